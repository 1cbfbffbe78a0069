import {
  getNamedType,
  isAbstractType,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

/** What one schema coordinate demands of the caller (federation's @authenticated / @requiresScopes). */
export interface AccessRequirement {
  authenticated: boolean;
  /** One entry per @requiresScopes: each is an OR of AND-lists, and every entry must be met. */
  scopeSets: string[][][];
}

export interface RequiredAccess {
  /** `Type.field` or a type name. */
  coordinate: string;
  requirement: AccessRequirement;
}

const AUTHENTICATED_SPEC = 'https://specs.apollo.dev/authenticated/';
const REQUIRES_SCOPES_SPEC = 'https://specs.apollo.dev/requiresScopes/';

function stringArg(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((arg) => arg.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

/** The names the supergraph uses for the two directives (a subgraph may rename them with `as`). */
function directiveNames(document: DocumentNode): { authenticated: string; requiresScopes: string } {
  const names = { authenticated: 'authenticated', requiresScopes: 'requiresScopes' };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = stringArg(link, 'url') ?? '';
      const alias = stringArg(link, 'as');
      if (url.startsWith(AUTHENTICATED_SPEC) && alias) names.authenticated = alias;
      if (url.startsWith(REQUIRES_SCOPES_SPEC) && alias) names.requiresScopes = alias;
    }
  }
  return names;
}

function scopesArg(directive: ConstDirectiveNode): string[][] {
  const value = directive.arguments?.find((arg) => arg.name.value === 'scopes')?.value;
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) =>
    inner.kind === Kind.LIST ? inner.values.flatMap((scope) => (scope.kind === Kind.STRING ? [scope.value] : [])) : [],
  );
}

function requirementOf(
  directives: readonly ConstDirectiveNode[] | undefined,
  names: { authenticated: string; requiresScopes: string },
): AccessRequirement | null {
  const requirement: AccessRequirement = { authenticated: false, scopeSets: [] };
  for (const directive of directives ?? []) {
    if (directive.name.value === names.authenticated) requirement.authenticated = true;
    if (directive.name.value === names.requiresScopes) requirement.scopeSets.push(scopesArg(directive));
  }
  return requirement.authenticated || requirement.scopeSets.length > 0 ? requirement : null;
}

function merge(into: Map<string, AccessRequirement>, key: string, requirement: AccessRequirement | null): void {
  if (!requirement) return;
  const existing = into.get(key);
  if (!existing) into.set(key, requirement);
  else into.set(key, {
    authenticated: existing.authenticated || requirement.authenticated,
    scopeSets: [...existing.scopeSets, ...requirement.scopeSets],
  });
}

/**
 * Access rules carried in a supergraph SDL. Composition keeps @authenticated and @requiresScopes
 * on fields and types when a subgraph imports them; the API schema drops them, so they are read here.
 */
export class AuthorizationRules {
  private readonly byCoordinate = new Map<string, AccessRequirement>();
  private readonly perDocument = new WeakMap<DocumentNode, RequiredAccess[]>();

  constructor(
    supergraphSdl: string,
    private readonly apiSchema: GraphQLSchema,
  ) {
    const document = parse(supergraphSdl);
    const names = directiveNames(document);
    for (const definition of document.definitions) {
      if (!('name' in definition) || !definition.name || definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
      if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) continue;
      const typeName = definition.name.value;
      merge(this.byCoordinate, typeName, requirementOf(definition.directives, names));
      if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
          definition.kind === Kind.OBJECT_TYPE_EXTENSION || definition.kind === Kind.INTERFACE_TYPE_EXTENSION) {
        for (const field of definition.fields ?? []) {
          merge(this.byCoordinate, `${typeName}.${field.name.value}`, requirementOf(field.directives, names));
        }
      }
    }
  }

  get isEmpty(): boolean {
    return this.byCoordinate.size === 0;
  }

  /** Every guarded coordinate a document touches (cached per parsed document). */
  requiredBy(document: DocumentNode): RequiredAccess[] {
    const cached = this.perDocument.get(document);
    if (cached) return cached;
    const found = new Map<string, AccessRequirement>();
    const note = (coordinate: string) => {
      const requirement = this.byCoordinate.get(coordinate);
      if (requirement) found.set(coordinate, requirement);
    };
    const typeInfo = new TypeInfo(this.apiSchema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (node) => {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field) return;
          note(`${parent.name}.${node.name.value}`);
          note(parent.name);
          // A field read through an interface or union may resolve on any implementation.
          if (isAbstractType(parent)) {
            for (const possible of this.apiSchema.getPossibleTypes(parent)) {
              note(`${possible.name}.${node.name.value}`);
              note(possible.name);
            }
          }
          note(getNamedType(field.type).name);
        },
      }),
    );
    const required = [...found].map(([coordinate, requirement]) => ({ coordinate, requirement }));
    this.perDocument.set(document, required);
    return required;
  }
}

/** Whether granted scopes satisfy a requirement: every @requiresScopes needs one fully held AND-list. */
export function scopesSatisfy(requirement: AccessRequirement, granted: ReadonlySet<string>): boolean {
  return requirement.scopeSets.every((alternatives) =>
    alternatives.some((allOf) => allOf.every((scope) => granted.has(scope))),
  );
}
