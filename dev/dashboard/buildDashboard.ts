import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const DASHBOARD_DIR = resolve(__dirname, '../../dashboard');
export const DASHBOARD_DIST = join(DASHBOARD_DIR, 'dist');

const run = promisify(execFile);

async function newestChange(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestChange(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/** Vite's command line script (its package exports do not expose it to require.resolve). */
async function viteCli(): Promise<string> {
  for (let dir = DASHBOARD_DIR; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'vite', 'bin', 'vite.js');
    if (await stat(candidate).then(() => true, () => false)) return candidate;
    if (dirname(dir) === dir) throw new Error('vite is not installed: run npm ci');
  }
}

/**
 * Builds the dashboard (vite) when dashboard/dist is missing or older than its sources, so
 * `npm start` and the browser tests work from a fresh clone without a separate build step.
 */
export async function ensureDashboardBuilt(log: (line: string) => void = () => undefined): Promise<'built' | 'fresh'> {
  const built = await stat(join(DASHBOARD_DIST, 'index.html')).then((info) => info.mtimeMs, () => 0);
  const sources = Math.max(
    ...(await Promise.all(['src', 'index.html', 'vite.config.ts'].map((entry) => newestChange(join(DASHBOARD_DIR, entry))))),
  );
  if (built > sources) return 'fresh';
  log('building the dashboard (vite build)');
  await run(process.execPath, [await viteCli(), 'build', '--logLevel', 'warn'], { cwd: DASHBOARD_DIR });
  return 'built';
}
