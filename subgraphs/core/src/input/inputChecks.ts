import {
  defaultFieldResolver,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isIntrospectionType,
  isListType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { BadUserInputError, isOpaqueId, isUuid } from '@hub/runtime';
import { unsafeTextReason } from './textSafety';

/** Where a bad value sits in the arguments, e.g. `input.stages[1].name`. */
type Position = GraphQLArgument | GraphQLInputField;

function refuse(path: string, reason: string, message: string): never {
  throw new BadUserInputError(`${path} ${message}`, { field: path, reason });
}

function checkText(path: string, value: string): void {
  const reason = unsafeTextReason(value);
  if (reason === 'NUL_CHARACTER') refuse(path, reason, 'must not contain a NUL character');
  if (reason === 'LONE_SURROGATE') refuse(path, reason, 'must be well-formed Unicode (it has a lone surrogate)');
}

/** Free JSON (JSON scalars, federation representations): every key and string inside it. */
function checkJson(path: string, value: unknown): void {
  if (typeof value === 'string') return checkText(path, value);
  if (Array.isArray(value)) return value.forEach((item, index) => checkJson(`${path}[${index}]`, item));
  if (typeof value !== 'object' || value === null) return;
  for (const [key, item] of Object.entries(value)) {
    checkText(`${path} key`, key);
    checkJson(`${path}.${key}`, item);
  }
}

function checkValue(type: GraphQLInputType, value: unknown, path: string, position: Position): void {
  if (value === null || value === undefined) return;
  const inner = getNullableType(type);
  if (isListType(inner)) {
    (value as unknown[]).forEach((item, index) => checkValue(inner.ofType, item, `${path}[${index}]`, position));
  } else if (isInputObjectType(inner)) {
    const fields = inner.getFields();
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      if (field) checkValue(field.type, item, `${path}.${name}`, field);
    }
  } else if (isEnumType(inner)) {
    return;
  } else if (inner.name === 'ID') {
    checkText(path, value as string);
    if (!isOpaqueId(position) && !isUuid(value as string)) refuse(path, 'INVALID_ID', 'is not a valid id');
  } else {
    checkJson(path, value);
  }
}

/** Refuses malformed text and ids anywhere in a field's (already coerced) arguments. */
export function checkArguments(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): void {
  for (const arg of field.args) checkValue(arg.type, args[arg.name], arg.name, arg);
}

function hasCheckableArguments(field: GraphQLField<unknown, unknown>): boolean {
  return field.args.some((arg) => {
    const named = getNullableType(arg.type);
    return !isScalarType(named) || !['Int', 'Float', 'Boolean'].includes(named.name);
  });
}

function checked(field: GraphQLField<unknown, unknown>, resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    checkArguments(field, args);
    return resolve(source, args, context, info);
  };
}

/**
 * Puts the argument checks in front of every resolver with arguments, so each subgraph gets the
 * same refusal of NUL characters, lone surrogates and non-UUID ids (BAD_USER_INPUT) without
 * checking them itself. Mutates and returns the schema.
 */
export function withInputChecks(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (!hasCheckableArguments(field)) continue;
      // A subscription's arguments are checked once, when it starts, not on every event.
      if (field.subscribe) field.subscribe = checked(field, field.subscribe);
      else field.resolve = checked(field, field.resolve ?? defaultFieldResolver);
    }
  }
  return schema;
}
