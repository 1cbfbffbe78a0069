import type { DocumentNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { UploadRouteSettings } from '../config';
import { isUploadOperation, isUploadRoute, UPLOAD_PATH } from './uploadRoute';

function notAnUpload(settings: UploadRouteSettings) {
  return createGraphQLError(`${UPLOAD_PATH} runs only the upload mutations (${settings.mutations.join(', ')}); send other operations to /graphql`, {
    extensions: { code: 'UPLOAD_ROUTE_ONLY', http: { status: 400 } },
  });
}

/**
 * Holds the upload route to its promise: its larger body cap buys nothing but an upload. Batches
 * are refused there, and any operation other than an allow-listed upload mutation is refused
 * before it is planned.
 */
export function useUploadRoute(settings: UploadRouteSettings): Plugin<{ request: Request }> {
  const requireUpload = (request: Request, document: DocumentNode, operationName: string | null | undefined) => {
    if (isUploadRoute(new URL(request.url)) && !isUploadOperation(document, operationName, settings.mutations)) throw notAnUpload(settings);
  };
  return {
    onRequestParse({ url }) {
      if (!isUploadRoute(url)) return;
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult)) throw notAnUpload(settings);
        },
      };
    },
    onExecute({ args }) {
      requireUpload(args.contextValue.request, args.document, args.operationName);
    },
    onSubscribe({ args }) {
      requireUpload(args.contextValue.request, args.document, args.operationName);
    },
  };
}
