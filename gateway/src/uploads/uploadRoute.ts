import { getOperationAST, Kind, type DocumentNode } from 'graphql';
import type { UploadRouteSettings } from '../config';

/** Where ordinary operations go; every request there keeps the normal body cap. */
export const GRAPHQL_PATH = '/graphql';
/** The one route with a larger body cap; it runs only allow-listed upload mutations. */
export const UPLOAD_PATH = '/graphql/upload';
/** yoga's endpoint as a URL pattern: both paths (each also with a trailing slash), nothing else. */
export const GRAPHQL_ENDPOINT_PATTERN = '/graphql{/upload}?{/}?';

/** Whether a request goes to yoga's endpoint (either path): it carries an operation. */
export function isOperationRoute(url: URL): boolean {
  const path = url.pathname.replace(/\/$/, '');
  return path === GRAPHQL_PATH || path === UPLOAD_PATH;
}

export function isUploadRoute(url: URL): boolean {
  return url.pathname.replace(/\/$/, '') === UPLOAD_PATH;
}

/** The upload route's body cap: the largest file as base64 plus the normal cap for the rest of the request. */
export function uploadBodyBytes(settings: UploadRouteSettings, maxBodyBytes: number): number {
  return Math.ceil(settings.maxFileBytes / 3) * 4 + maxBodyBytes;
}

/** True when the operation that would run is a mutation selecting nothing but allow-listed upload fields. */
export function isUploadOperation(document: DocumentNode, operationName: string | null | undefined, mutations: readonly string[]): boolean {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'mutation') return false;
  return operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && mutations.includes(selection.name.value));
}
