// Types of scripts/upstream-facts.mjs, for the tests that import it.
export const repoRoot: string;
export const FACTS_DIR: string;
export const REGENERATE: string;
export function trimSchema(node: unknown, where?: string): unknown;
export function typeNamesInSource(root?: string): Set<string>;
export function buildUpstreamFacts(upstreamDir: string, root?: string): Map<string, string>;
export function readCommittedFacts(root?: string): Map<string, string>;
export function staleFacts(expected: ReadonlyMap<string, string>, actual: ReadonlyMap<string, string>): string[];
export function defaultUpstreamDir(root?: string): string;
