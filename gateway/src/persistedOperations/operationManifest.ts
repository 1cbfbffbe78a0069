import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode } from 'graphql';

/** `{ "format": 1, "operations": { "<sha256 of body>": "<body>" } }`: what clients may run. */
export interface OperationManifest {
  format: 1;
  operations: Record<string, string>;
}

export function operationHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

export async function readOperationManifest(path: string): Promise<OperationManifest> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<OperationManifest>;
  if (parsed.format !== 1 || typeof parsed.operations !== 'object' || parsed.operations === null) {
    throw new Error(`${path} is not a persisted-operation manifest (expected {"format":1,"operations":{...}})`);
  }
  for (const [hash, body] of Object.entries(parsed.operations)) {
    if (typeof body !== 'string' || operationHash(body) !== hash) {
      throw new Error(`${path}: the entry ${hash} does not hash to its key`);
    }
  }
  return parsed as OperationManifest;
}

function fragmentsUsedBy(definition: DefinitionNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: DefinitionNode[] = [definition];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`Fragment ${name} is not defined in the given documents`);
        if (used.has(name)) return;
        used.set(name, fragment);
        pending.push(fragment);
      },
    });
  }
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

/**
 * One manifest entry per operation in the clients' documents: the operation plus the fragments it
 * uses, printed canonically, keyed by the SHA-256 of that text (what clients send as sha256Hash).
 */
export function buildOperationManifest(documents: readonly string[]): { manifest: OperationManifest; byName: Record<string, string> } {
  const definitions = documents.flatMap((text) => parse(text).definitions);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const operations: Record<string, string> = {};
  const byName: Record<string, string> = {};
  for (const definition of definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (!definition.name) throw new Error('Persisted operations need a name');
    const body = print({ kind: Kind.DOCUMENT, definitions: [definition, ...fragmentsUsedBy(definition, fragments)] });
    const hash = operationHash(body);
    operations[hash] = body;
    byName[definition.name.value] = hash;
  }
  return { manifest: { format: 1, operations }, byName };
}
