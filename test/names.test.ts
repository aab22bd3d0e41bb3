// tfName, fileSegment, shellVarName and kubernetesNameSegment are loops (compiling expressions cost more than the names a render makes);
// they must answer as the expressions they replaced, for any string.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { fileSegment, tfName } from '../src/format/names.js';
import { shellVarName } from '../src/format/shell.js';
import { kubernetesNameSegment } from '../src/methods/names/azure.js';

const tfNameByExpressions = (...parts: string[]) => {
  const joined = parts.join('_').replace(/[^A-Za-z0-9_-]/g, '_').replace(/_+/g, '_');
  return /^[A-Za-z_]/.test(joined) ? joined : `_${joined}`;
};
const fileSegmentByExpressions = (value: string) => {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^\.+/, '');
  return cleaned === '' ? '_' : cleaned;
};

const SAMPLES = ['', '_', '__', '-', '.', '..', '...a', '.a.', 'a..b', '9lives', 'web', 'a b', 'a__b', 'a_ _b', '-x', '\u00e9t\u00e9', '\u{1F600}x', 'x\ny', 'default/web', '/', '../etc'];
const text = fc.oneof(fc.constantFrom(...SAMPLES), fc.string({ maxLength: 12 }), fc.stringMatching(/^[-_. a-zA-Z0-9/]{0,10}$/), fc.string({ unit: 'binary', maxLength: 6 }));

test('tfName answers as the expressions it replaced', () => {
  for (const s of SAMPLES) assert.is(tfName(s), tfNameByExpressions(s), JSON.stringify(s));
  fc.assert(fc.property(fc.array(text, { maxLength: 3 }), (parts) => tfName(...parts) === tfNameByExpressions(...parts)), { numRuns: 5000 });
  // Planted: a name that keeps a run of underscores is told apart.
  assert.is.not(tfName('a__b'), 'a__b');
});

test('fileSegment answers as the expressions it replaced (no value names .., a separator or an absolute path)', () => {
  for (const s of SAMPLES) assert.is(fileSegment(s), fileSegmentByExpressions(s), JSON.stringify(s));
  fc.assert(fc.property(text, (s) => fileSegment(s) === fileSegmentByExpressions(s)), { numRuns: 5000 });
  for (const s of ['..', '.', '/', '../etc', 'a/b']) assert.ok(!['.', '..'].includes(fileSegment(s)) && !fileSegment(s).includes('/'), s);
  // Planted: the same loop keeping leading dots would name `..`.
  assert.is.not(fileSegment('..'), '..');
});

const shellVarNameByExpressions = (...parts: string[]) => {
  const joined = parts.join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/_+/g, '_');
  return /^[A-Z_]/.test(joined) ? joined : `_${joined}`;
};
const kubernetesNameSegmentByExpressions = (value: string) =>
  value.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/-+/g, '-').replace(/^[-.]+|[-.]+$/g, '');

test('shellVarName and kubernetesNameSegment answer as the expressions they replaced', () => {
  const more = [...SAMPLES, 'cert-manager', 'principal_id', 'Stra\u00dfe', 'My_RG(1)', '-.-a.-', '.-.', 'a--b..c', 'A-', '--', '..'];
  for (const s of more) {
    assert.is(shellVarName(s, 'x'), shellVarNameByExpressions(s, 'x'), JSON.stringify(s));
    assert.is(kubernetesNameSegment(s), kubernetesNameSegmentByExpressions(s), JSON.stringify(s));
  }
  fc.assert(fc.property(fc.array(text, { maxLength: 3 }), (parts) => shellVarName(...parts) === shellVarNameByExpressions(...parts)), { numRuns: 5000 });
  fc.assert(fc.property(fc.oneof(text, fc.stringMatching(/^[-._()A-Za-z0-9]{0,10}$/)), (s) => kubernetesNameSegment(s) === kubernetesNameSegmentByExpressions(s)), { numRuns: 5000 });
  // Planted: a segment that keeps a trailing '.' is told apart.
  assert.is.not(kubernetesNameSegment('a.'), 'a.');
});

test.run();
