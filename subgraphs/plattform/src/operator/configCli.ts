import { userInfo } from 'node:os';
import { databaseSettings, envOptional } from '@hub/core';
import { SUBGRAPH_NAME } from '../config';
import { runConfigCommand } from './configCommand';

/** `npm run config -w @hub/plattform -- ...`: see CONFIG_COMMAND_USAGE. */
runConfigCommand(process.argv.slice(2), {
  database: databaseSettings(SUBGRAPH_NAME),
  defaultOperator: envOptional('HUB_OPERATOR') ?? userInfo().username,
  output: { out: (line) => console.log(line), err: (line) => console.error(line) },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Not a refusal the service explains (those are handled): say what happened, without a stack.
    console.error(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
