import { BadUserInputError } from '@hub/core';

// file-type is ESM-only; this CommonJS package loads it with a dynamic import (types only here).
// Its buffer-only entry point: nothing here reads files or streams.
type FileTypeModule = typeof import('file-type/core', { with: { 'resolution-mode': 'import' } });

let fileType: Promise<FileTypeModule> | undefined;

function loadFileType(): Promise<FileTypeModule> {
  fileType ??= import('file-type/core');
  return fileType;
}

/** Text has no magic number: a declared text type is refused when the bytes are a known binary format or hold NUL bytes. */
function isTextType(contentType: string): boolean {
  return contentType.startsWith('text/');
}

/**
 * Checks the declared content type against the bytes (magic numbers, and for Office files the
 * ZIP entries), so a client cannot store an executable or an image under a harmless type. A
 * declared binary type whose signature cannot be recognized is refused: it cannot be verified.
 */
export async function requireContentMatchesType(content: Buffer, contentType: string): Promise<void> {
  const { fileTypeFromBuffer } = await loadFileType();
  const detected = (await fileTypeFromBuffer(content))?.mime ?? null;
  const matches = isTextType(contentType) ? detected === null && !content.includes(0) : detected === contentType;
  if (!matches) {
    throw new BadUserInputError(`The content is not ${contentType}`, { field: 'contentType', declared: contentType, detected });
  }
}
