import { resolve } from 'node:path';

/** The checkout's root (packages/testkit/src → ../../..), for tests that run its scripts or read its files. */
export const REPOSITORY_ROOT = resolve(__dirname, '../../..');
