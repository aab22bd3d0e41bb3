// `npm test` (scripts/test.mjs) type-checks before it runs a test: tsx strips types unchecked, so
// without this a type error passes the whole suite. Shown on a planted error in a scratch project
// (WI_GEN_TYPECHECK_PROJECT), and that the same project without the error passes the gate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './support/wi-gen.js';
import { run, tmpDir } from './support/tools.js';

function gate(source: string) {
  const dir = tmpDir('wi-gen-typecheck-');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [], lib: ['es5'] }, files: ['planted.ts'] }));
  writeFileSync(join(dir, 'planted.ts'), source);
  // A filter that matches no test file: only the type check runs.
  return run(process.execPath, [join(repoRoot, 'scripts', 'test.mjs'), 'no-test-file-matches-this'], { env: { WI_GEN_TYPECHECK_PROJECT: join(dir, 'tsconfig.json') } });
}

test('a type error fails the run before any test, with tsc’s message', () => {
  const r = gate("export const port: number = '8080';\n");
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /planted\.ts\(1,14\): error TS2322/);
  assert.match(r.stderr, /tsc --noEmit failed/);
  assert.match(r.stdout, /^0 passed, 1 failed, 0 skipped$/m);
});

test('the same project without the error passes the gate', () => {
  const r = gate('export const port: number = 8080;\n');
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /tsc --noEmit: no type errors/);
});

test.run();
