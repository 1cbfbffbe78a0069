import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kind, parse, type ConstDirectiveNode } from 'graphql';
import { resolverChecks } from '@hub/testkit/resolverScopes';
import { machineTime } from '@hub/testkit/machineTime';

/** Every subgraph folder with a contract and resolvers (a new one is covered without an edit here). */
const SUBGRAPHS = readdirSync(resolve(__dirname, '../subgraphs')).filter((name) =>
  ['schema.graphql', 'src/resolvers/index.ts'].every((file) => existsSync(resolve(__dirname, '../subgraphs', name, file))),
);

/** `Type.field` → the scopes its @requiresScopes names (one AND-list per directive, flattened). */
function declaredScopes(schemaPath: string): Map<string, string[]> {
  const declared = new Map<string, string[]>();
  const scopesOf = (directives: readonly ConstDirectiveNode[] | undefined) =>
    (directives ?? [])
      .filter((directive) => directive.name.value === 'requiresScopes')
      .flatMap((directive) => {
        const value = directive.arguments?.find((argument) => argument.name.value === 'scopes')?.value;
        if (value?.kind !== Kind.LIST) return [];
        return value.values.flatMap((inner) => (inner.kind === Kind.LIST ? inner.values.flatMap((scope) => (scope.kind === Kind.STRING ? [scope.value] : [])) : []));
      });
  for (const definition of parse(readFileSync(schemaPath, 'utf8')).definitions) {
    if (!('fields' in definition) || !('name' in definition) || !definition.name) continue;
    for (const field of definition.fields ?? []) {
      if (!('type' in field) || field.kind !== Kind.FIELD_DEFINITION) continue;
      const scopes = scopesOf(field.directives);
      if (scopes.length > 0) declared.set(`${definition.name.value}.${field.name.value}`, [...new Set(scopes)].sort());
    }
  }
  return declared;
}

/**
 * Authorization is declared in the schema: every field whose resolver calls requireScope carries
 * @requiresScopes with exactly those scopes, and every @requiresScopes has such a resolver. Entity
 * lookups (`__resolveReference`) have no field of their own; the field that leads to them is checked.
 */
describe('scope checks in resolvers match @requiresScopes in the schema', () => {
  const dirs = SUBGRAPHS.map((name) => resolve(__dirname, '../subgraphs', name));
  let checks: Map<string, Array<{ coordinate: string; scopes: string[] }>>;

  beforeAll(() => {
    checks = resolverChecks(dirs);
  }, machineTime(120_000));

  it('finds the subgraphs and their scope checks', () => {
    expect(SUBGRAPHS).toEqual(expect.arrayContaining(['plattform', 'risk-hub', 'trading', 'agent']));
    expect([...checks.values()].flat().filter((check) => check.scopes.length > 0).length).toBeGreaterThan(40);
  });

  it.each(SUBGRAPHS)('%s', (name) => {
    const dir = resolve(__dirname, '../subgraphs', name);
    const inResolvers = Object.fromEntries(
      checks.get(dir)!.filter((check) => check.coordinate.includes('.') && check.scopes.length > 0).map((check) => [check.coordinate, check.scopes]),
    );
    const inSchema = Object.fromEntries(declaredScopes(resolve(dir, 'schema.graphql')));
    expect(inSchema).toEqual(inResolvers);
  });
});
