// The cloud half, run by the tools it targets: every gcloud/az/aws command of every generated
// script (and every copy-pasteable command of the README) over the spec matrix goes through the
// real CLI with no credentials and must get past argument parsing. vault, absent here, is checked
// against a table of the HTTP API paths and parameters its commands use.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pruneMatrix, renderedMatrix } from './support/spec-matrix.js';
import {
  checkVault,
  checkWithCli,
  classify,
  dedupe,
  excusedByVersion,
  localVersion,
  missingCli,
  recordShell,
  recordTree,
  shellLine,
  standInGuid,
  type Argv,
  type CloudCli,
  type RecordedCommand,
} from './support/cloud-cli.js';

// uvu imports every test file before running any: the clock starts with this file's first test.
let started = Date.now();
let recorded: { commands: RecordedCommand[]; problems: string[]; skipped: Set<string> } | undefined;

function recording() {
  if (recorded) return recorded;
  const commands: RecordedCommand[] = [];
  const problems: string[] = [];
  const skipped = new Set<string>();
  for (const spec of [...renderedMatrix(), ...pruneMatrix()]) {
    const r = recordTree(spec.name, spec.files);
    commands.push(...r.commands);
    problems.push(...r.problems);
    for (const s of r.skippedMentions) skipped.add(s);
  }
  recorded = { commands, problems, skipped };
  return recorded;
}

const seen = (pattern: RegExp) => recording().commands.filter((c) => pattern.test(c.argv.join(' ')));

test('every script and README snippet of the matrix runs under the shims without a bash error', () => {
  const { commands, problems, skipped } = recording();
  assert.equal(problems, []);
  assert.ok(commands.length > 300, `only ${commands.length} commands recorded`);
  console.log(`  matrix: ${renderedMatrix().length} specs, ${commands.length} CLI invocations recorded in ${Date.now() - started} ms`);
  console.log(`  README mentions not run (no flag, or a placeholder): ${skipped.size}`);
});

test('each script file of each spec records commands of its own CLI', () => {
  const { commands } = recording();
  const expected: Record<string, CloudCli> = { 'gcloud.sh': 'gcloud', 'az.sh': 'az', 'aws.sh': 'aws', 'vault.sh': 'vault' };
  // prune.sh and teardown.sh use every CLI the create scripts use (test/lifecycle.test.ts).
  const lifecycle = new Set(['prune.sh', 'teardown.sh']);
  for (const spec of renderedMatrix()) {
    for (const path of spec.files.keys()) {
      const m = /^cloud\/([^/]+\.sh)$/.exec(path);
      if (!m || lifecycle.has(m[1] as string)) continue;
      const cli = expected[m[1] as string];
      assert.ok(cli, `${spec.name}: unexpected script ${path}`);
      assert.ok(
        commands.some((c) => c.source.startsWith(`${spec.name} ${path}`) && c.argv[0] === cli),
        `${spec.name} ${path}: no ${cli} command recorded`,
      );
    }
  }
});

test('the prune scripts of the matrix are recorded: every kind of removal reaches the CLIs', () => {
  assert.ok(pruneMatrix().length >= 30, `${pruneMatrix().length} prune scripts`);
  for (const remove of [
    /^gcloud iam service-accounts remove-iam-policy-binding /,
    /^gcloud projects remove-iam-policy-binding /,
    /^gcloud iam roles delete /,
    /^gcloud iam service-accounts delete /,
    /^gcloud dns managed-zones set-iam-policy /,
    /^az identity federated-credential delete /,
    /^az role assignment delete --ids /,
    /^az identity delete /,
    /^aws eks delete-pod-identity-association /,
    /^aws iam delete-role-policy /,
    /^aws iam detach-role-policy /,
    /^aws iam delete-role /,
    /^vault delete auth\//,
    /^vault policy delete /,
  ]) {
    assert.ok(seen(remove).length > 0, `never recorded: ${remove}`);
  }
});

test('both branches of every lookup-then-create step are recorded', () => {
  for (const create of [
    /^gcloud iam service-accounts create /,
    /^gcloud iam roles create /,
    /^az identity create /,
    /^aws iam create-role /,
    /^aws eks create-pod-identity-association /,
    /^aws eks update-pod-identity-association /,
    /^vault secrets enable /,
    /^vault write \S+\/config /,
    /^vault write -f \S+\/rotate-root$/,
    /^az role assignment create --assignee /,
  ]) {
    assert.ok(seen(create).length > 0, `never recorded: ${create}`);
  }
});

/** Runs the distinct parse shapes of one CLI through it and asserts none is refused by its parser. */
async function checkCli(cli: Exclude<CloudCli, 'vault'>) {
  const t0 = Date.now();
  const { commands } = recording();
  const d = dedupe(commands.filter((c) => c.argv[0] === cli));
  const reps = d.representatives.get(cli) ?? [];
  assert.ok(reps.length > 0, `no ${cli} command in the matrix`);
  const results = await checkWithCli(reps.map((r) => r.argv));
  const failures: string[] = [];
  const excused: string[] = [];
  results.forEach((r, i) => {
    const rep = reps[i] as (typeof reps)[number];
    const gap = r.verdict === 'parse-error' ? excusedByVersion(cli, r.output) : undefined;
    if (gap) {
      excused.push(`${shellLine(rep.argv)}\n      needs ${cli} >= ${gap.since}, here ${localVersion(cli)}: ${gap.source}`);
    } else if (r.verdict !== 'parsed') {
      failures.push(`${r.verdict} (exit ${r.code}) ${rep.source}, ${rep.distinct} distinct command(s) of this shape:\n    ${shellLine(rep.argv)}\n    ${r.output.trim().split('\n').slice(0, 6).join('\n    ')}`);
    }
  });
  console.log(
    `  ${cli}: ${d.total.get(cli)} invocations, ${d.distinct.get(cli)} distinct, ${reps.length} parse shapes run through ${cli}: ` +
      `${results.filter((r) => r.verdict === 'parsed').length} parsed, ${excused.length} newer than the local ${cli}, ${failures.length} failed (${Date.now() - t0} ms)`,
  );
  for (const e of excused) console.log(`    accepted, newer than the local ${cli}: ${e}`);
  assert.ok(failures.length === 0, `${failures.length} ${cli} command(s) not accepted by the parser:\n${failures.join('\n')}`);
}

for (const cli of ['gcloud', 'az', 'aws'] as const) {
  const why = missingCli(cli);
  if (why) {
    test.skip(`${cli}: ${why}`, () => {});
    console.log(`  skipped: every ${cli} command parses (${why})`);
    continue;
  }
  test(`${cli}: every command of the matrix gets past the real ${cli}'s argument parser`, () => checkCli(cli));
}

test('vault: every command of the matrix uses a Vault API path and parameters that exist', () => {
  const vault = recording().commands.filter((c) => c.argv[0] === 'vault');
  const distinct = [...new Map(vault.map((c) => [JSON.stringify(c.argv), c])).values()];
  assert.ok(distinct.length > 5, 'vault commands recorded');
  const problems = distinct.flatMap((c) => checkVault(c.argv).map((p) => `${c.source}: ${p}`));
  console.log(`  vault: ${vault.length} invocations, ${distinct.length} distinct, checked against the API table: ${problems.length} problems`);
  assert.equal(problems, []);
});

// --------------------------------------------------------------------------- the checks can fail

const planted: { cli: Exclude<CloudCli, 'vault'>; argv: Argv; why: string }[] = [
  {
    cli: 'gcloud',
    argv: ['gcloud', 'dns', 'managed-zones', 'add-iam-policy-binding', 'zone', '--project', 'p-123456', '--role', 'roles/dns.admin', '--member', 'user:a@b.example'],
    why: 'no such command',
  },
  { cli: 'gcloud', argv: ['gcloud', 'projects', 'add-iam-policy-binding', 'p-123456', '--role', 'roles/dns.admin', '--membr', 'user:a@b.example'], why: 'misspelled flag' },
  { cli: 'az', argv: ['az', 'identity', 'show', '--resource-group', 'rg', '--nmae', 'x'], why: 'misspelled flag' },
  {
    cli: 'az',
    argv: ['az', 'role', 'assignment', 'create', '--assignee-object-id', '00000000-0000-4000-8000-000000000000', '--assignee-principal-type', 'ServicePrincipl', '--role', 'Reader', '--scope', '/subscriptions/x'],
    why: 'invalid choice',
  },
  { cli: 'aws', argv: ['aws', 'iam', 'get-role', '--role-name', 'x', '--bogus-option', 'y'], why: 'unknown option' },
  { cli: 'aws', argv: ['aws', 'eks', 'list-pod-identity-associations', '--namespace', 'ns'], why: 'missing required --cluster-name' },
];

for (const cli of ['gcloud', 'az', 'aws'] as const) {
  if (missingCli(cli)) continue;
  // The matrix test above shows each classifier passing good commands.
  test(`${cli}: the classifier fails planted bad commands`, async () => {
    const cases = planted.filter((p) => p.cli === cli);
    const results = await checkWithCli(cases.map((c) => c.argv));
    cases.forEach((c, i) => {
      const r = results[i] as (typeof results)[number];
      assert.is(r.verdict, 'parse-error', `${c.why}: ${shellLine(c.argv)} → exit ${r.code}\n${r.output}`);
    });
  });
}

test('classify: an unexpected answer is "unknown", never a pass', () => {
  assert.is(classify('gcloud', 0, 'No credentialed accounts.'), 'parsed');
  assert.is(classify('gcloud', 1, 'ERROR: (gcloud.projects.describe) something else'), 'unknown');
  assert.is(classify('az', 1, 'ERROR: something else entirely'), 'unknown');
  assert.is(classify('aws', 255, 'Could not connect to the endpoint URL'), 'unknown');
  assert.is(classify('aws', 255, 'Unknown options: --x'), 'parse-error');
});

test('vault: the API table refuses planted bad commands', () => {
  const bad: Argv[] = [
    ['vault', 'write', 'azure/roles/dns', 'application_object_id=x', 'ttl=1h', 'max_lease_ttl=24h'],
    ['vault', 'write', 'auth/kubernetes/role/dns', 'bound_service_account_name=x'],
    ['vault', 'write', 'azure/rotate-root'],
    ['vault', 'read', 'azure/creds/dns', '-field=client_password'],
    ['vault', 'write', 'azure/creds/dns', 'ttl=1h'],
    ['vault', 'secrets', 'enable', '-path=azure', 'azuread'],
    ['vault', 'policy', 'write', 'dns', 'policy.hcl'],
    ['vault', 'kv', 'put', 'secret/x', 'a=b'],
  ];
  for (const argv of bad) assert.ok(checkVault(argv).length > 0, `accepted: ${shellLine(argv)}`);
  assert.equal(checkVault(['vault', 'write', 'clusters/a/azure/roles/dns', 'application_object_id=x', 'ttl=1h', 'explicit_max_ttl=1d']), []);
});

test('the shims record both branches of a lookup and the stand-ins reach variables', () => {
  const script = [
    'set -euo pipefail',
    'if ! gcloud iam service-accounts describe a@p.iam.gserviceaccount.com >/dev/null 2>&1; then',
    '  gcloud iam service-accounts create a --project p',
    'fi',
    'ID="$(az identity show --name x --query clientId --output tsv)"',
    'if [[ "$ID" != 11111111-1111-4111-8111-111111111111 ]]; then echo mismatch >&2; exit 1; fi',
    'az role assignment create --assignee-object-id "$ID"',
  ].join('\n');
  const ok = recordShell(script, 'ok').argvs.map((a) => a.join(' '));
  const missing = recordShell(script, 'missing').argvs.map((a) => a.join(' '));
  assert.equal(ok, [
    'gcloud iam service-accounts describe a@p.iam.gserviceaccount.com',
    'az identity show --name x --query clientId --output tsv',
    `az role assignment create --assignee-object-id ${standInGuid(['identity', 'show', '--name', 'x', '--query', 'clientId', '--output', 'tsv'])}`,
  ]);
  assert.ok(missing.includes('gcloud iam service-accounts create a --project p'), missing.join('\n'));
  assert.ok(missing.some((c) => /^az role assignment create --assignee-object-id [0-9a-f-]{36}$/.test(c)), 'a lookup that extracts a value answers in both modes');
});

test.before(() => {
  started = Date.now();
});

test.after(() => console.log(`  cloud-cli.test.ts: ${((Date.now() - started) / 1000).toFixed(1)} s`));

test.run();
