import { useState, type FormEvent } from 'react';
import { useServices, useSession } from '../app/dashboardServices';

/**
 * Switches the session to another organization of the user (switchOrganization): the ones this
 * browser has signed in to, or any by id.
 */
export function OrganizationSwitcher() {
  const { session } = useServices();
  const current = useSession();
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!current) return null;
  const known = session.knownOrganizations;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!target || target === current?.organization.id) return;
    setError(null);
    try {
      await session.switchOrganization(target);
      setTarget('');
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  return (
    <form className="org-switcher" onSubmit={(event) => void submit(event)}>
      <label htmlFor="organization-select">Organization</label>
      <select id="organization-select" value={target || current.organization.id} onChange={(event) => setTarget(event.target.value)}>
        {known.map((organization) => (
          <option key={organization.id} value={organization.id}>
            {organization.name}
          </option>
        ))}
      </select>
      <label htmlFor="organization-id" className="visually-hidden">
        Organization id
      </label>
      <input id="organization-id" placeholder="or an organization id" value={known.some((o) => o.id === target) ? '' : target} onChange={(event) => setTarget(event.target.value.trim())} />
      <button type="submit">Switch</button>
      {error ? (
        <span role="alert" className="error">
          {error}
        </span>
      ) : null}
    </form>
  );
}
