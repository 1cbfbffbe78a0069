import { CriticalityLevel, diff } from '@graphql-inspector/core';
import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

/** A client that used what a breaking change takes away. */
export interface ClientUse {
  operation: string;
  /** `name@version` for recorded usage; `manifest:<file>` for a persisted operation. */
  client: string;
  /** Executions in the window (recorded usage only). */
  count?: number;
  lastSeen?: string;
}

export interface CheckedChange {
  level: ChangeLevel;
  type: string;
  message: string;
  path: string | null;
  /** Schema coordinates whose clients the change can break (breaking changes only). */
  coordinates: string[];
  usedBy: ClientUse[];
}

const LEVELS: Record<CriticalityLevel, ChangeLevel> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

/** Every field (`Type.field`) whose result or arguments reach the named type. */
function fieldsReaching(schema: GraphQLSchema, typeName: string): string[] {
  // Input types reach the type through their fields, so expand to every input type that contains it.
  const reaching = new Set<string>([typeName]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isInputObjectType(type) || reaching.has(type.name)) continue;
      if (Object.values(type.getFields()).some((field) => reaching.has(getNamedType(field.type).name))) {
        reaching.add(type.name);
        grew = true;
      }
    }
  }
  const coordinates: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const touches =
        reaching.has(getNamedType(field.type).name) || field.args.some((arg) => reaching.has(getNamedType(arg.type).name));
      if (touches || type.name === typeName) coordinates.push(`${type.name}.${field.name}`);
    }
  }
  return coordinates;
}

/**
 * The coordinates a change's clients select: a change on a field or its arguments affects that
 * field; a change on a type (removed, enum value, input field, union member, …) affects every
 * field that returns the type or takes it as an argument, and the type's own fields.
 */
export function affectedCoordinates(schema: GraphQLSchema, path: string | undefined): string[] {
  if (!path) return [];
  const [typeName, fieldName] = path.split('.');
  const type: GraphQLNamedType | undefined = typeName ? schema.getType(typeName) ?? undefined : undefined;
  if (!type) return [];
  if (fieldName && (isObjectType(type) || isInterfaceType(type)) && type.getFields()[fieldName]) return [`${typeName}.${fieldName}`];
  return fieldsReaching(schema, type.name);
}

/** Changes between two API schemas, classified by `@graphql-inspector/core`. */
export async function schemaChanges(before: GraphQLSchema, after: GraphQLSchema): Promise<CheckedChange[]> {
  const changes = await diff(before, after);
  return changes.map((change) => {
    const level = LEVELS[change.criticality.level];
    return {
      level,
      type: change.type,
      message: change.message,
      path: change.path ?? null,
      coordinates: level === 'breaking' ? affectedCoordinates(before, change.path) : [],
      usedBy: [],
    };
  });
}
