import type { Plugin } from 'graphql-yoga';

/** Named readiness probes; each resolves true when its dependency answers. */
export type ReadinessChecks = Record<string, () => Promise<boolean>>;

async function probe(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process is alive. `/readyz`: every dependency answers (503 otherwise). */
export function useHealthEndpoints(checks: ReadinessChecks, timeoutMs = 2000): Plugin {
  return {
    async onRequest({ url, fetchAPI, endResponse }) {
      if (url.pathname === '/healthz') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }));
        return;
      }
      if (url.pathname !== '/readyz') return;
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((name) => probe(checks[name]!, timeoutMs)));
      const dependencies = Object.fromEntries(names.map((name, index) => [name, results[index] ? 'up' : 'down']));
      const ready = results.every(Boolean);
      endResponse(
        fetchAPI.Response.json({ status: ready ? 'ready' : 'unavailable', dependencies }, { status: ready ? 200 : 503 }),
      );
    },
  };
}
