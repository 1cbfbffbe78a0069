import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './repositoryRoot';
import { machineTime } from './machineTime';

const ROOT = REPOSITORY_ROOT;

export interface TestProcess {
  child: ChildProcessWithoutNullStreams;
  /** Lines printed on stdout so far. */
  lines: string[];
  /** Resolves with the first stdout line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

/** Runs a TypeScript entry point under tsx in its own process with the given environment and arguments. */
export function startTsProcess(script: string, env: NodeJS.ProcessEnv, args: readonly string[] = []): TestProcess {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [script, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  const lines: string[] = [];
  let stderr = '';
  const listeners = new Set<() => void>();
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    child,
    lines,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolvePromise, reject) => {
        const check = () => {
          for (const line of lines) {
            const match = pattern.exec(line);
            if (match) {
              cleanup();
              resolvePromise(match);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${script}: no line matching ${pattern} within ${timeoutMs} ms\n${stderr}`));
        }, machineTime(timeoutMs));
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
