// Determinism: the same spec gives the same bytes whatever the run, time zone, locale, working
// directory or spec location, and whatever the order of mapping keys in the spec; the output
// holds no timestamp and no absolute path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { hostname, homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { isMap, parseDocument, visit } from 'yaml';
import { cli, examplesDir, exampleNames, readTree, renderText, repoRoot } from './support/wi-gen.js';
import { tmpDir } from './support/tools.js';

const ENVIRONMENTS: Record<string, string>[] = [
  { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' },
  { TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
  { TZ: 'America/St_Johns', LANG: 'de_DE.UTF-8', LC_ALL: 'ja_JP.UTF-8', LC_COLLATE: 'sv_SE.UTF-8' },
];

/** Tree with file modes, so an executable bit that depends on the environment shows too. */
function treeWithModes(dir: string): Map<string, string> {
  const tree = readTree(dir);
  return new Map([...tree].map(([p, c]) => [p, `${(statSync(join(dir, p)).mode & 0o111) !== 0 ? 'x' : '-'} ${c}`]));
}

for (const name of exampleNames()) {
  test(`${name}: same tree and stream across TZ, LANG/LC_ALL, working directory and spec location`, () => {
    const reference = treeWithModes(join(examplesDir, name, 'out'));
    const streams = new Set<string>();
    ENVIRONMENTS.forEach((env, i) => {
      // A different, deep absolute location each time, run from a different working directory.
      const home = join(tmpDir('wi-gen-det-'), `run ${i}`, 'nested');
      mkdirSync(home, { recursive: true });
      cpSync(join(examplesDir, name, 'spec.yaml'), join(home, 'spec.yaml'));
      const cwd = i === 0 ? repoRoot : i === 1 ? home : join(home, '..');
      const r = cli([join(home, 'spec.yaml'), '-o', join(home, 'out')], { cwd, env });
      assert.is(r.code, 0, r.stderr);
      const tree = treeWithModes(join(home, 'out'));
      assert.equal(tree, reference, JSON.stringify(env));
      for (const [path, content] of tree) {
        assert.not.ok(content.includes(home) || content.includes(`${tmpdir()}/`), `${path} holds an absolute path`);
      }
      const s = cli([join(home, 'spec.yaml')], { cwd, env });
      assert.is(s.code, 0, s.stderr);
      streams.add(s.stdout);
    });
    assert.is(streams.size, 1, 'one stream');
  });

  test(`${name}: no timestamps, absolute paths, user or host names in the output`, () => {
    const tree = readTree(join(examplesDir, name, 'out'));
    const forbidden = [repoRoot, homedir(), process.cwd(), `/${userInfo().username}/`, hostname()].filter((s) => s.length > 3);
    for (const [path, content] of tree) {
      // Fixed dates that are part of the content, not of the run: the IAM policy language version
      // and AAD Pod Identity's deprecation date.
      const withoutConstants = content.replaceAll('2012-10-17', '').replaceAll('2022-10-24', '');
      assert.not.match(withoutConstants, /\b(19|20)\d\d-[01]\d-[0-3]\d([T ][0-2]\d:[0-5]\d)?/, `${path}: a date`);
      assert.not.match(content, /\b[0-2]\d:[0-5]\d:[0-5]\d\b/, `${path}: a time of day`);
      for (const f of forbidden) assert.not.ok(content.includes(f), `${path} contains ${f}`);
    }
  });

  test(`${name}: reordering mapping keys in the spec changes no byte of the output`, () => {
    const text = readFileSync(join(examplesDir, name, 'spec.yaml'), 'utf8');
    const reference = renderText(text);
    const orders: [string, (n: number) => number[]][] = [
      ['reversed', (n) => Array.from({ length: n }, (_, i) => n - 1 - i)],
      ['rotated', (n) => Array.from({ length: n }, (_, i) => (i + 1) % n)],
      ['interleaved', (n) => [...Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 1), ...Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0)]],
    ];
    for (const [label, order] of orders) {
      const doc = parseDocument(text);
      let reordered = 0;
      visit(doc, {
        Map(_, node) {
          if (!isMap(node) || node.items.length < 2) return;
          const items = [...node.items];
          node.items = order(items.length).map((i) => items[i] as (typeof items)[number]);
          reordered++;
        },
      });
      const shuffled = doc.toString();
      assert.ok(reordered > 0 && shuffled !== text, label);
      const r = renderText(shuffled);
      assert.equal(r.files, reference.files, `${label}: files`);
      assert.is(r.stream, reference.stream, `${label}: stream`);
    }
  });
}

test.run();
