import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { rehearsalDir, rehearseBuild, startImage } from './rehearse';

/**
 * `npm run docker:rehearse -- <workspace>... [--env NAME=value]... [--query '<graphql>'] [--keep]`:
 * builds each workspace's image the way the Dockerfile does (see rehearse.ts), starts them in the
 * order given with the same environment, waits for each HEALTHCHECK, posts the query to the
 * gateway (PORT) if one is given, prints the answer, then stops everything with SIGTERM.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const workspaces: string[] = [];
  const env: Record<string, string> = {};
  let query: string | undefined;
  let keep = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--env') {
      const [name, ...value] = argv[(index += 1)]!.split('=');
      env[name!] = value.join('=');
    } else if (arg === '--query') query = argv[(index += 1)];
    else if (arg === '--keep') keep = true;
    else workspaces.push(arg);
  }
  const dir = rehearsalDir();
  const running: Array<{ workspace: string; child: ChildProcess }> = [];
  try {
    const images = workspaces.map((workspace) => rehearseBuild(workspace, join(dir, workspace.replace(/\//g, '-'))));
    for (const image of images) {
      running.push({ workspace: image.workspace, child: await startImage(image, env) });
      console.log(`${image.workspace}: HEALTHCHECK passed (${image.cmd.join(' ')} in ${image.cwd})`);
    }
    if (query !== undefined) {
      const response = await fetch(`http://127.0.0.1:${env.PORT ?? 4000}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      console.log(`query answer (${response.status}): ${await response.text()}`);
    }
  } finally {
    for (const { workspace, child } of running.reverse()) {
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill('SIGTERM');
      console.log(`${workspace}: stopped with exit code ${await exited}`);
    }
    if (keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
