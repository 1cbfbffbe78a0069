import { envInt, envString } from '@hub/core';

/**
 * Tenant A's flood, in a process of its own so its client work does not share the stack's event
 * loop: LOGINS loops each sending login after login (anonymous, one client address) and QUERIES
 * loops each sending A's query after query, back to back. With FLOOD_BACKOFF=1 a loop refused
 * with `retryAfter` waits that long (as clients are told to); with 0 it never waits (a hostile or
 * broken client, which is the rate limit's job). Runs until the parent sends "stop", then sends
 * its outcome counts back over IPC.
 */
const URL = envString('FLOOD_URL', '');
const LOGINS = envInt('FLOOD_LOGINS', 200);
const QUERIES = envInt('FLOOD_QUERIES', 50);
const BACKOFF = envInt('FLOOD_BACKOFF', 1) === 1;
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';
const QUERY = '{ me { user { id } organization { name } } riskAssessments(first: 20) { nodes { id title } } }';

const outcomes: Record<string, number> = {};
let stopping = false;

function count(outcome: string): void {
  outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
}

/** Sends one request; resolves with the seconds the gateway asked to wait (0: none). */
async function send(kind: string, body: unknown, token?: string): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const response = await fetch(URL, { method: 'POST', headers, body: JSON.stringify(body) });
    const answer = (await response.json()) as { errors?: Array<{ extensions?: { code?: string; retryAfter?: number } }> };
    const extensions = answer.errors?.[0]?.extensions;
    count(`${kind} ${extensions?.code ?? 'ok'}`);
    return extensions?.retryAfter ?? 0;
  } catch {
    count(`${kind} network_error`);
    return 0;
  }
}

async function loop(kind: string, body: unknown, token?: string): Promise<void> {
  while (!stopping) {
    const retryAfter = await send(kind, body, token);
    if (BACKOFF && retryAfter > 0) await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  }
}

const loops = [
  ...Array.from({ length: LOGINS }, () =>
    loop('login', { query: LOGIN, variables: { e: envString('FLOOD_EMAIL', ''), p: envString('FLOOD_PASSWORD', '') } }),
  ),
  ...Array.from({ length: QUERIES }, () => loop('query', { query: QUERY }, envString('FLOOD_TOKEN', ''))),
];

process.on('message', (message) => {
  if (message !== 'stop') return;
  stopping = true;
  void Promise.all(loops).then(() => {
    process.send!({ outcomes }, undefined, {}, () => process.exit(0));
  });
});
process.send!({ started: true });
