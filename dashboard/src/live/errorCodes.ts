/** GraphQL errors as the gateway sends them: a stable `extensions.code`, sometimes a `reason`. */
export interface GraphQLErrorLike {
  message: string;
  extensions?: { code?: unknown; reason?: unknown; [key: string]: unknown } | null;
}

export function errorCodeOf(error: unknown): string | null {
  const first = Array.isArray(error) ? (error[0] as GraphQLErrorLike | undefined) : (error as GraphQLErrorLike | undefined);
  const code = first?.extensions?.code;
  return typeof code === 'string' ? code : null;
}

export function errorMessageOf(error: unknown): string {
  if (Array.isArray(error)) return error.map((item: GraphQLErrorLike) => item.message).join('; ');
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'reason' in error) return `connection closed (${String((error as { code?: unknown }).code)})`;
  return String(error);
}
