// The `wi-gen` library for ES modules (types: index.d.ts): the bundle's exports, which is also
// what `require('wi-gen')` gets. Hand-written; the bundle is built by scripts/build.mjs.
import library from './wi-gen.cjs';

export const { loadSpec, render, formatProblem } = library;
