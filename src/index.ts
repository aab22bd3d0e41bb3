/**
 * The internal pipeline, for code inside this repository: `loadSpec` (bytes → model or
 * positioned problems), then `render` (model → files and a YAML stream). The CLI, the kustomize
 * plugin and the KRM function are thin shells around these two calls. The published library
 * (`import ... from 'wi-gen'`) is src/lib/index.ts, whose types stand alone.
 */
export { loadSpec, formatProblem, type LoadResult, type Problem } from './spec/load.js';
export { render, type Rendered } from './render.js';
export type { OutputFile } from './emit/tree.js';
export type { Model } from './model/model.js';
export type { IdentityMethod } from './methods/method.js';
export { METHODS } from './methods/registry.js';
export { SpecSchema, API_VERSION, KIND } from './spec/schema.js';
