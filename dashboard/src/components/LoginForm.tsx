import { useState, type FormEvent } from 'react';
import { useServices } from '../app/dashboardServices';

/** Email and password sign-in; in development it offers the demo user. */
export function LoginForm() {
  const { session, config } = useServices();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.login(email, password);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form onSubmit={(event) => void submit(event)} aria-labelledby="login-heading">
        <h1 id="login-heading">Sign in to the hub dashboard</h1>
        <label htmlFor="login-email">Email</label>
        <input id="login-email" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {config.demo ? (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setEmail(config.demo!.email);
              setPassword(config.demo!.password);
            }}
          >
            Use the demo user ({config.demo.email})
          </button>
        ) : null}
      </form>
    </main>
  );
}
