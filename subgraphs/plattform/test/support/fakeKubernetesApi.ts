import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TEST_DATA_DIR } from '@hub/testkit/testEnvironment';

/** One request as the fake API server received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown> | null;
}

/** Decides that a request fails (e.g. the N-th creating request), answering like the API server would. */
export type FailureRule = (request: RecordedRequest, index: number) => { code: number; reason: string } | null;

interface Collection {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
}

/** The resource collections the provisioner may touch, as the Kubernetes API lays out their paths. */
const COLLECTIONS: Record<string, Collection> = {
  '/api/v1/namespaces': { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
  '/api/v1/namespaces/{ns}/resourcequotas': { apiVersion: 'v1', kind: 'ResourceQuota', namespaced: true },
  '/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies': {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    namespaced: true,
  },
  '/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings': {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    namespaced: true,
  },
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PATCH_TYPES = ['application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json'];

type Route = { collection: Collection; collectionPath: string; namespace?: string; name?: string };

function route(path: string): Route | null {
  const match = /^(\/api\/v1|\/apis\/[a-z0-9.]+\/v1)\/namespaces(?:\/([^/]+)(?:\/([a-z]+)(?:\/([^/]+))?)?)?$/.exec(path);
  if (!match) return null;
  const [, prefix, first, resource, second] = match;
  if (!resource) {
    if (prefix !== '/api/v1') return null;
    return { collection: COLLECTIONS['/api/v1/namespaces']!, collectionPath: '/api/v1/namespaces', name: first };
  }
  const template = `${prefix}/namespaces/{ns}/${resource}`;
  const collection = COLLECTIONS[template];
  if (!collection) return null;
  return { collection, collectionPath: `${prefix}/namespaces/${first}/${resource}`, namespace: first, name: second };
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 400 ? 'Success' : 'Failure', reason, message, code };
}

/**
 * A small stand-in for the Kubernetes API server: it keeps objects in memory, checks each
 * request's verb, path, content type and body the way the API server does (kind and apiVersion
 * matching the collection, DNS-label names, namespace existence, 409 on duplicates, 404 on
 * missing objects, merge patches) and records everything for assertions.
 */
export class FakeKubernetesApi {
  readonly requests: RecordedRequest[] = [];
  readonly objects = new Map<string, Record<string, unknown>>();
  failure: FailureRule = () => null;
  private server: Server | null = null;

  constructor(private readonly expectedToken: string) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Forgets recorded requests and injected failures; stored objects stay, like a real cluster's. */
  reset(): void {
    this.requests.length = 0;
    this.failure = () => null;
  }

  /** Method and path of each request, in order (e.g. `POST /api/v1/namespaces`). */
  calls(): string[] {
    return this.requests.map((request) => `${request.method} ${request.path}`);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      contentType: request.headers['content-type']?.split(';')[0],
      body: null,
    };
    const reply = (code: number, body: unknown) => {
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (text) {
      try {
        recorded.body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        this.requests.push(recorded);
        return reply(400, status(400, 'BadRequest', 'body is not JSON'));
      }
    }
    this.requests.push(recorded);
    if (request.headers.authorization !== `Bearer ${this.expectedToken}`) {
      return reply(401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    const injected = this.failure(recorded, this.requests.length - 1);
    if (injected) return reply(injected.code, status(injected.code, injected.reason, 'injected failure'));
    const target = route(recorded.path);
    if (!target) return reply(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const { code, body } = this.apply(recorded, target);
    return reply(code, body);
  }

  private apply(request: RecordedRequest, target: Route): { code: number; body: unknown } {
    const { collection, collectionPath, namespace, name } = target;
    if (namespace && !this.objects.has(`/api/v1/namespaces/${namespace}`)) {
      return { code: 404, body: status(404, 'NotFound', `namespaces "${namespace}" not found`) };
    }
    if (request.method === 'POST' && !name) {
      const body = request.body ?? {};
      const metadata = (body.metadata ?? {}) as { name?: string; namespace?: string };
      if (body.apiVersion !== collection.apiVersion || body.kind !== collection.kind) {
        return { code: 400, body: status(400, 'BadRequest', `expected ${collection.apiVersion} ${collection.kind}`) };
      }
      if (!metadata.name || !DNS_LABEL.test(metadata.name)) {
        return { code: 422, body: status(422, 'Invalid', 'metadata.name must be a DNS-1123 label') };
      }
      if (collection.namespaced && metadata.namespace !== undefined && metadata.namespace !== namespace) {
        return { code: 400, body: status(400, 'BadRequest', 'the namespace of the object does not match the path') };
      }
      const itemPath = `${collectionPath}/${metadata.name}`;
      if (this.objects.has(itemPath)) {
        return { code: 409, body: status(409, 'AlreadyExists', `${collection.kind} "${metadata.name}" already exists`) };
      }
      const stored = { ...body, metadata: { ...metadata, ...(namespace ? { namespace } : {}), uid: `uid-${this.objects.size}`, resourceVersion: '1' } };
      this.objects.set(itemPath, stored);
      return { code: 201, body: stored };
    }
    if (!name) return { code: 405, body: status(405, 'MethodNotAllowed', 'method not allowed on a collection') };
    const itemPath = `${collectionPath}/${name}`;
    const existing = this.objects.get(itemPath);
    if (!existing) return { code: 404, body: status(404, 'NotFound', `${collection.kind} "${name}" not found`) };
    switch (request.method) {
      case 'GET':
        return { code: 200, body: existing };
      case 'DELETE':
        this.objects.delete(itemPath);
        if (!namespace) {
          // Deleting a namespace deletes everything in it, as the namespace controller would.
          for (const key of [...this.objects.keys()]) if (key.includes(`/namespaces/${name}/`)) this.objects.delete(key);
        }
        return { code: 200, body: status(200, '', 'deleted') };
      case 'PATCH': {
        if (!request.contentType || !PATCH_TYPES.includes(request.contentType)) {
          return { code: 415, body: status(415, 'UnsupportedMediaType', 'unsupported patch content type') };
        }
        if (request.contentType !== 'application/merge-patch+json') {
          return { code: 400, body: status(400, 'BadRequest', 'this fake understands merge patches only') };
        }
        const patched = mergePatch(existing, request.body ?? {}) as Record<string, unknown>;
        this.objects.set(itemPath, patched);
        return { code: 200, body: patched };
      }
      default:
        return { code: 405, body: status(405, 'MethodNotAllowed', 'method not allowed') };
    }
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** A kubeconfig file that points the real Kubernetes client at a fake API server; returns its path. */
export function writeFakeKubeconfig(server: string, token: string): string {
  const path = join(TEST_DATA_DIR, `kubeconfig-${randomUUID()}.json`);
  mkdirSync(TEST_DATA_DIR, { recursive: true });
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // Plain HTTP on loopback: the client allows it only with TLS verification switched off.
      clusters: [{ name: 'fake', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'hub', user: { token } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'hub' } }],
      'current-context': 'fake',
    }),
  );
  return path;
}
