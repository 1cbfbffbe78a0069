import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  parse,
  validate,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { SeededRandom } from './seededRandom';

export interface GeneratedOperation {
  readonly source: string;
  readonly variables: Record<string, unknown>;
}

const MAX_DEPTH = 4;

/**
 * Random valid operations over an API schema: nested selections, aliases, inline fragments on
 * abstract types and their members, named fragments, `__typename`, arguments as literals or
 * variables, and @skip/@include on fields and fragments (variables or literals). Fields whose
 * required arguments cannot be generated (custom scalars) are left out.
 */
export class RandomOperations {
  constructor(private readonly schema: GraphQLSchema) {}

  /** An operation that validates against the schema, or null when the attempt produced none. */
  generate(random: SeededRandom): GeneratedOperation | null {
    const build = new OperationText(this.schema, random);
    const root = this.schema.getQueryType()!;
    const selection = build.selectionSet(root, 0);
    if (!selection) return null;
    const source = build.document(selection);
    const errors = validate(this.schema, parse(source));
    return errors.length === 0 ? { source, variables: build.variables } : null;
  }
}

class OperationText {
  readonly variables: Record<string, unknown> = {};
  private readonly definitions: string[] = [];
  private readonly fragments: string[] = [];
  private counter = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly random: SeededRandom,
  ) {}

  document(selection: string): string {
    const variables = this.definitions.length > 0 ? `(${this.definitions.join(', ')})` : '';
    return [`query Generated${variables} ${selection}`, ...this.fragments].join('\n');
  }

  /** `{ ... }` for a composite type, or null when nothing could be selected. */
  selectionSet(type: GraphQLCompositeType, depth: number, used = new Set<string>()): string | null {
    const parts: string[] = [];
    if (isObjectType(type) || isInterfaceType(type)) {
      const fields = Object.values(type.getFields());
      const count = 1 + this.random.int(4);
      for (let attempt = 0; attempt < count * 2 && parts.length < count; attempt += 1) {
        const part = this.field(this.random.pick(fields), depth, used);
        if (part) parts.push(part);
      }
    }
    if (isAbstractType(type)) {
      if (this.random.chance(0.7) || isUnionType(type)) parts.push(this.responseName('__typename', used, '__typename'));
      for (const member of this.schema.getPossibleTypes(type)) {
        if (!this.random.chance(0.6)) continue;
        const inner = this.selectionSet(member, depth, used);
        if (inner) parts.push(`... on ${member.name}${this.condition()} ${inner}`);
      }
    } else if (this.random.chance(0.15)) {
      parts.push(this.responseName('__typename', used, '__typename'));
    }
    if (parts.length > 0 && this.random.chance(0.15)) {
      // Some of it as a named fragment on the same type.
      const name = `F${this.counter++}`;
      this.fragments.push(`fragment ${name} on ${type.name} { ${parts.splice(0, 1 + this.random.int(parts.length)).join(' ')} }`);
      parts.push(`...${name}${this.condition()}`);
    }
    if (parts.length === 0) return null;
    return `{ ${parts.join(' ')} }`;
  }

  private field(field: GraphQLField<unknown, unknown>, depth: number, used: Set<string>): string | null {
    const args = this.arguments(field.args);
    if (args === null) return null;
    const named = getNamedType(field.type);
    let selection = '';
    if (!isLeafType(named)) {
      if (depth >= MAX_DEPTH) return null;
      const inner = this.selectionSet(named as GraphQLCompositeType, depth + 1);
      if (!inner) return null;
      selection = ` ${inner}`;
    }
    return `${this.responseName(field.name, used)}${args}${this.condition()}${selection}`;
  }

  /** The field name, or a fresh alias when the name is taken (or at random). */
  private responseName(fieldName: string, used: Set<string>, fallback = fieldName): string {
    if (!used.has(fallback) && !this.random.chance(0.2)) {
      used.add(fallback);
      return fieldName;
    }
    const alias = `a${this.counter++}`;
    used.add(alias);
    return `${alias}: ${fieldName}`;
  }

  private condition(): string {
    if (!this.random.chance(0.2)) return '';
    const directive = this.random.chance(0.5) ? 'skip' : 'include';
    if (this.random.chance(0.25)) return ` @${directive}(if: ${this.random.chance(0.5)})`;
    const name = `c${this.counter++}`;
    this.definitions.push(`$${name}: Boolean!`);
    this.variables[name] = this.random.chance(0.5);
    return ` @${directive}(if: $${name})`;
  }

  /** `(a: 1, b: $v)`; null when a required argument cannot be generated. */
  private arguments(args: readonly GraphQLArgument[]): string | null {
    const parts: string[] = [];
    for (const arg of args) {
      const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
      if (!required && !this.random.chance(0.3)) continue;
      const value = this.value(arg.type, 0);
      if (value === undefined) {
        if (required) return null;
        continue;
      }
      const bare = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
      if (this.random.chance(0.3) && isLeafType(bare)) {
        const name = `v${this.counter++}`;
        this.definitions.push(`$${name}: ${arg.type.toString()}`);
        this.variables[name] = isEnumType(bare) ? value : (JSON.parse(value) as unknown);
        parts.push(`${arg.name}: $${name}`);
      } else {
        parts.push(`${arg.name}: ${value}`);
      }
    }
    return parts.length > 0 ? `(${parts.join(', ')})` : '';
  }

  /** A literal for an input type (as GraphQL text), or undefined when none can be made up. */
  private value(type: GraphQLInputType, depth: number): string | undefined {
    if (isNonNullType(type)) return this.value(type.ofType, depth);
    if (isListType(type)) {
      const element = this.value(type.ofType, depth);
      return element === undefined ? undefined : `[${element}]`;
    }
    if (isEnumType(type)) return this.random.pick(type.getValues()).name;
    if (isScalarType(type)) {
      if (!isSpecifiedScalarType(type)) return undefined;
      switch (type.name) {
        case 'Int':
          return String(1 + this.random.int(5));
        case 'Float':
          return String(this.random.int(100) / 4);
        case 'Boolean':
          return String(this.random.chance(0.5));
        default:
          return JSON.stringify(`v${this.random.int(10)}`);
      }
    }
    if (isInputObjectType(type) && depth < 2) {
      const fields: string[] = [];
      for (const field of Object.values(type.getFields())) {
        const required = isNonNullType(field.type) && field.defaultValue === undefined;
        if (!required) continue;
        const value = this.value(field.type, depth + 1);
        if (value === undefined) return undefined;
        fields.push(`${field.name}: ${value}`);
      }
      return `{ ${fields.join(', ')} }`;
    }
    return undefined;
  }
}
