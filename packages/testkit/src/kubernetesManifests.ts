import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { REPOSITORY_ROOT } from './repositoryRoot';

export const ROOT = REPOSITORY_ROOT;

/** A rendered object as the YAML carries it (only what the tests read is typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any; // untyped YAML: each test reads the fields it checks
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}

export interface RenderResult {
  status: number | null;
  stderr: string;
  dir: string;
  migrations: K8sObject[];
  graph: K8sObject[];
}

function readYaml(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS() as K8sObject);
}

/** Runs `npm run deploy:render` (the CLI, as an operator would) with a values file; reads what it wrote. */
export function renderWith(values: Record<string, unknown>, extraArgs: string[] = []): RenderResult {
  const dir = mkdtempSync(join(tmpdir(), 'hub-k8s-'));
  writeFileSync(join(dir, 'values.yaml'), stringify(values));
  const result = runCli(['--values', join(dir, 'values.yaml'), '--out', join(dir, 'out'), ...extraArgs]);
  const ok = result.status === 0;
  return {
    ...result,
    dir,
    migrations: ok ? readYaml(join(dir, 'out', '1-migrations.yaml')) : [],
    graph: ok ? readYaml(join(dir, 'out', '2-graph.yaml')) : [],
  };
}

export function runCli(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['deploy/kubernetes/cli.mts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

export const REQUIRED_VALUES = {
  jwt: { privateKey: '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n' },
  database: { adminUrl: 'postgres://hub_admin:admin-secret@db.example.internal:5432/hub', appPassword: 'app-secret' },
  redis: { url: 'redis://redis.example.internal:6379' },
};

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ')}`);
  return found;
}

/** `{ NAME: value or {secret, key} }` of a container. */
export function envOf(container: { env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }> }): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? []).map((env) => [env.name, env.value ?? `secret:${env.valueFrom?.secretKeyRef?.name}/${env.valueFrom?.secretKeyRef?.key}`]),
  );
}
