import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { assignments, parseDockerfile, substitute, type Stage } from './dockerfile';

/**
 * There is no Docker engine on the CI machine, so the root Dockerfile is rehearsed: its
 * instructions are executed here, stage by stage, each stage in its own directory standing in for
 * the image's file system (`/app/x` → `<dir>/<stage>/app/x`), with the build context this
 * repository minus .dockerignore's node_modules/dist. The final stage's CMD is then started with
 * the given environment and its HEALTHCHECK polled until it passes.
 *
 *   npm run docker:rehearse -- <workspace> [--env NAME=value]... [--keep]
 *
 * What it cannot show: the base image itself (this machine's node runs instead), USER (runs as
 * the current user).
 */
const ROOT = resolve(__dirname, '../..');

export interface RehearsedImage {
  workspace: string;
  /** Root of the final stage's file system. */
  root: string;
  cwd: string;
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[];
}

function inStage(root: string, cwd: string, path: string): string {
  return isAbsolute(path) ? join(root, path) : join(cwd, path);
}

/** The build context: the repository without what .dockerignore leaves out (installed and built files). */
function buildContext(into: string): string {
  const ignored = new Set(['node_modules', 'dist', '.git', 'test', '.data', 'test-artifacts', 'coverage', 'bench', 'dev']);
  cpSync(ROOT, into, {
    recursive: true,
    filter: (source) => !ignored.has(basename(source)) && !source.endsWith('.tsbuildinfo'),
  });
  return into;
}

function run(command: string, cwd: string, env: Record<string, string>): void {
  const result = spawnSync('sh', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`RUN failed (${result.status}): ${command}`);
}

/** Executes every stage of the Dockerfile for one WORKSPACE build argument. */
export function rehearseBuild(workspace: string, dir: string): RehearsedImage {
  const dockerfile = parseDockerfile(join(ROOT, 'Dockerfile'));
  const context = buildContext(join(dir, 'context'));
  const buildArgs: Record<string, string> = { WORKSPACE: workspace };
  const globals: Record<string, string> = {};
  for (const arg of dockerfile.globalArgs) for (const [name, value] of assignments(arg)) globals[name] = buildArgs[name] ?? value ?? '';
  const roots = new Map<string, string>();
  let last: RehearsedImage | undefined;
  for (const stage of dockerfile.stages) last = rehearseStage(stage, { dir, context, buildArgs, globals, roots, workspace });
  return last!;
}

interface StageInputs {
  dir: string;
  context: string;
  buildArgs: Record<string, string>;
  globals: Record<string, string>;
  roots: Map<string, string>;
  workspace: string;
}

function rehearseStage(stage: Stage, inputs: StageInputs): RehearsedImage {
  const root = join(inputs.dir, stage.name);
  mkdirSync(root, { recursive: true });
  inputs.roots.set(stage.name, root);
  const vars: Record<string, string> = {};
  const env: Record<string, string> = {};
  let cwd = root;
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  console.log(`== stage ${stage.name} (${substitute(stage.image, inputs.globals)}; rehearsed with ${process.version})`);
  for (const instruction of stage.instructions) {
    const { keyword } = instruction;
    const values = { ...vars, ...env };
    if (keyword === 'ARG') {
      for (const [name, value] of assignments(instruction)) vars[name] = inputs.buildArgs[name] ?? value ?? '';
    } else if (keyword === 'ENV') {
      for (const [name, value] of assignments(instruction)) env[name] = substitute(value ?? '', values);
    } else if (keyword === 'WORKDIR') {
      cwd = inStage(root, cwd, substitute(instruction.args[0]!, values));
      mkdirSync(cwd, { recursive: true });
    } else if (keyword === 'COPY') {
      const from = instruction.flags.from ? inputs.roots.get(instruction.flags.from)! : inputs.context;
      const sources = instruction.args.slice(0, -1).map((source) => substitute(source, values));
      const target = inStage(root, cwd, substitute(instruction.args[instruction.args.length - 1]!, values));
      for (const source of sources) {
        const path = join(from, source);
        if (!existsSync(path)) throw new Error(`COPY source missing: ${source}`);
        const into = statSync(path).isDirectory() || !target.endsWith('/') ? target : join(target, basename(source));
        mkdirSync(statSync(path).isDirectory() ? into : resolve(into, '..'), { recursive: true });
        cpSync(path, into, { recursive: true });
      }
    } else if (keyword === 'RUN') {
      console.log(`RUN ${instruction.text}`);
      run(instruction.text, cwd, { ...vars, ...env });
    } else if (keyword === 'CMD') {
      cmd = instruction.args;
    } else if (keyword === 'HEALTHCHECK') {
      healthcheck = JSON.parse(instruction.text.slice(instruction.text.indexOf('['))) as string[];
    }
  }
  return { workspace: inputs.workspace, root, cwd, env, cmd, healthcheck };
}

/** Absolute paths of the image (`/app/…`) mapped into the rehearsed file system; `node` is this node. */
function commandIn(image: RehearsedImage, args: string[]): [string, string[]] {
  const mapped = args.map((arg) => (arg.startsWith('/app/') ? join(image.root, arg) : arg));
  return [mapped[0] === 'node' ? process.execPath : mapped[0]!, mapped.slice(1)];
}

/** Starts the image's CMD (or `command`) and resolves once its HEALTHCHECK passes. */
export async function startImage(image: RehearsedImage, env: Record<string, string>, command = image.cmd, timeoutMs = 120_000): Promise<ChildProcess> {
  const [file, args] = commandIn(image, command);
  // Only what a container has: the image's environment (its /app paths mapped) and what the operator passes.
  const imageEnv = Object.fromEntries(Object.entries(image.env).map(([name, value]) => [name, value.startsWith('/app/') ? join(image.root, value) : value]));
  const runEnv = { PATH: process.env.PATH ?? '', HOME: image.root, ...imageEnv, ...env };
  const child = spawn(file, args, { cwd: image.cwd, env: runEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + timeoutMs;
  const [checkFile, checkArgs] = commandIn(image, image.healthcheck);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${image.workspace} exited with ${child.exitCode} before it was healthy`);
    if (spawnSync(checkFile, checkArgs, { cwd: image.cwd, env: runEnv }).status === 0) return child;
    await new Promise((done) => setTimeout(done, 1000));
  }
  child.kill('SIGTERM');
  throw new Error(`${image.workspace}: HEALTHCHECK did not pass within ${timeoutMs} ms`);
}

export function rehearsalDir(): string {
  return mkdtempSync(join(tmpdir(), 'hub-image-'));
}
