// No dead exports in src/: every name a module exports is imported by another file (in src/,
// test/, scripts/ or bench/), except what the published entry points export, which is for the
// package's users. An export nobody imports is either dead code or a name that should be local;
// either way a reader should not have to search the tree to find that out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deadExports, readSources, sourceGraph, type DeadExport } from './support/imports.js';
import { repoRoot } from './support/wi-gen.js';

/** What `package.json` publishes: the library, its cdk8s bindings, and the bundle's entry. */
const ENTRY_POINTS = ['src/lib/index.ts', 'src/cdk8s/index.ts', 'src/bundle.ts'];

const inSrc = (file: string) => file.startsWith('src/');
const show = (dead: readonly DeadExport[]) => dead.map((d) => `${d.file}: ${d.name}`);

test('no export in src/ is left unimported', () => {
  const files = readSources(repoRoot, ['src', 'test', 'scripts', 'bench']);
  const dead = show(deadExports(sourceGraph(files), inSrc, ENTRY_POINTS));
  assert.equal(dead, [], `drop the export (or the code) of:\n${dead.join('\n')}`);
});

test('planted: an export nobody imports is reported, an imported one is not', () => {
  const files = new Map([
    ['src/a.ts', 'export const used = 1;\nexport function unusedFn() {}\nexport interface UnusedType { x: number }\nexport type { Other } from "./c.js";\n'],
    ['src/b.ts', "import { used } from './a.js';\nimport type { Seen } from './c.js';\nexport const alsoUnused = used;\n"],
    ['src/c.ts', 'export interface Seen {}\nexport interface Other {}\nexport const viaStar = 1;\n'],
    ['src/entry.ts', "export * from './d.js';\nexport const published = 1;\n"],
    ['src/d.ts', 'export const reachedThroughStar = 1;\n'],
  ]);
  assert.equal(show(deadExports(sourceGraph(files), inSrc, ['src/entry.ts'])), [
    'src/a.ts: Other',
    'src/a.ts: unusedFn',
    'src/a.ts: UnusedType',
    'src/b.ts: alsoUnused',
    'src/c.ts: viaStar',
  ]);
});

test('planted: one unused export added to the real tree fails the check', () => {
  const files = readSources(repoRoot, ['src', 'test', 'scripts', 'bench']);
  files.set('src/model/planted.ts', 'export function plantedButNeverImported(): number {\n  return 1;\n}\n');
  const dead = show(deadExports(sourceGraph(files), inSrc, ENTRY_POINTS));
  assert.ok(dead.includes('src/model/planted.ts: plantedButNeverImported'), dead.join('\n'));
});

test.run();
