#!/usr/bin/env node
// `hub-gateway [--supergraph <path>]`: runs the TypeScript entry point through tsx's require hook.
require('tsx/cjs');
require('../src/main.ts');
