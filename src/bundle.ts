/**
 * Entry of the bundle lib/wi-gen.cjs (scripts/build.mjs): the library API, which is the
 * package's `require('wi-gen')` and what lib/index.mjs re-exports, plus `runCli`, which the
 * bin's loader lib/wi-gen-cli.cjs calls. Loading the bundle runs nothing.
 */
export * from './lib/index.js';
export { runCli } from './cli/run.js';
