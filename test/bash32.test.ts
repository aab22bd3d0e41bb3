// Generated scripts run on stock macOS bash 3.2: no script of any example or filled-in template, of
// any cloud, uses a construct bash 3.2 lacks (${v,,}, ${v^^}, declare -A, mapfile, readarray, &>> …).
// bash 3.2 itself cannot be installed here, so the check is a scan (test/support/bash32.ts); the
// first test proves the scan finds each construct when planted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { examplesDir, exampleNames, renderFile, renderText, repoRoot } from './support/wi-gen.js';
import { bash4Findings } from './support/bash32.js';
import { PLACEHOLDER } from '../src/spec/placeholders.js';

/** Every generated script: path (for the message) → content. */
function generatedScripts(): Map<string, string> {
  const scripts = new Map<string, string>();
  const collect = (source: string, files: readonly { path: string; content: string }[]) => {
    for (const f of files) if (f.path.endsWith('.sh')) scripts.set(`${source}: ${f.path}`, f.content);
  };
  for (const name of exampleNames()) collect(`examples/${name}`, renderFile(join(examplesDir, name, 'spec.yaml')).files);
  const values = parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'template-values.yaml'), 'utf8')) as Record<string, unknown>;
  const templatesDir = join(repoRoot, 'templates');
  for (const file of readdirSync(templatesDir).filter((f) => f.endsWith('.yaml')).sort()) {
    const filled = readFileSync(join(templatesDir, file), 'utf8').replace(PLACEHOLDER, (t) => String(values[t.slice(1, -1)]));
    collect(`templates/${file}`, renderText(filled, file).files);
  }
  return scripts;
}

test('the scan finds every bash-4-only construct when planted (control)', () => {
  const planted = [
    'if [[ "${CLIENT_ID,,}" != abc ]]; then',
    'echo "${NAME^^}"',
    'x=${arr[0],}',
    'declare -A roles',
    'local -rA seen',
    'mapfile -t lines < file',
    'az identity list | readarray -t ids',
    'az login &>> log.txt',
    'az login |& tee log',
    'coproc az login',
    'a) echo a ;;&',
    'declare -n ref=target',
    'echo "${value@Q}"',
    'if [[ -v AZURE_CLIENT_SECRET ]]; then',
  ];
  for (const line of planted) assert.is(bash4Findings(`#!/usr/bin/env bash\n${line}\n`).length > 0, true, `not found: ${line}`);
  // What bash 3.2 accepts must pass, comments included.
  const fine = [
    '# never use ${v,,}: bash 3.2 rejects it',
    'lower="$(printf \'%s\' "$CLIENT_ID" | tr \'[:upper:]\' \'[:lower:]\')"',
    'az role assignment list --query "[?principalId==\'$P\'].id" --output tsv 2>&1',
    'echo "${VAR:?export VAR}" "${#list[@]}" "${x%,*}"',
    'case "$x" in a) echo a ;; esac',
  ];
  for (const line of fine) assert.equal(bash4Findings(line), [], line);
});

test('no generated script of any example or template uses a bash-4-only construct', () => {
  const scripts = generatedScripts();
  assert.ok(scripts.size >= 10, `only ${scripts.size} scripts found`);
  const clouds = new Set([...scripts.keys()].map((k) => k.replace(/^.*cloud\//, '')));
  for (const s of ['az.sh', 'aws.sh', 'gcloud.sh', 'vault.sh']) assert.ok(clouds.has(s), `no ${s} among the scanned scripts`);
  const problems = [...scripts].flatMap(([where, text]) => bash4Findings(text).map((f) => `${where}:${f.line}: ${f.construct}: ${f.text}`));
  assert.equal(problems, [], problems.join('\n'));
});

test.run();
