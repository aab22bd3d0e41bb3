// What users run: each invocation the README documents, in a scratch project that depends on
// this checkout the way npm installs it (node_modules/wi-gen, node_modules/.bin/wi-gen), against
// its floor, the same tool doing the same job without wi-gen's part:
//   CLI              node_modules/.bin/wi-gen SPEC            against node -e 0 (and npx against the bin)
//   pre-commit hook  the README's local hook (wi-gen check)   against the same hook config running `true`
//   kpt function     kpt fn render with the README's Kptfile  against a Kptfile whose function is `cat`
//   kustomize plugin kubectl kustomize with the generator     against the same kustomization with the
//                                                             generated objects as a plain resource
// Only the CLI row has a target (the start-up target, ≤ 1.5× node); the others show what wi-gen
// adds to each tool's own run. A tool that is not installed leaves its rows out, with the reason
// under the table.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparisonRow, hasTool, measure } from './measure.mjs';

const SPEC = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
metadata:
  name: workload-identity
  annotations:
    config.kubernetes.io/local-config: "true"
cluster:
  name: analytics
  gke: {project: acme-analytics, location: europe-west1}
identities:
  - name: reporter
    gke: {serviceAccount: reporter@acme-analytics.iam.gserviceaccount.com, roles: [roles/bigquery.jobUser]}
bindings:
  - identity: reporter
    serviceAccount: {namespace: batch, name: reporter}
    workloads: [{kind: CronJob, name: nightly-report}]
`;

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
  namespace: batch
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example/report:1.0.0
`;

/** The fenced block after `<!-- snippet: NAME -->` in README.md (as test/support/integrations.ts reads it). */
function snippet(root, name) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- snippet: ${name} -->`);
  const m = at < 0 ? null : /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`README.md has no snippet ${name}`);
  return m[1];
}

function project(root, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  symlinkSync(root, join(dir, 'node_modules', 'wi-gen'), 'dir');
  symlinkSync(join('..', 'wi-gen', 'bin', 'wi-gen.cjs'), join(dir, 'node_modules', '.bin', 'wi-gen'));
  return dir;
}

const sh = (command) => ['sh', '-c', command];

export function invocationsSection({ root, work, runs, warmup }) {
  const node = process.execPath;
  const rows = [];
  const skipped = [];
  const env = { npm_config_update_notifier: 'false', NO_COLOR: '1', XDG_CACHE_HOME: join(work, 'cache-warm') };
  const commands = [];
  const pairs = []; // [subject index, base index, case label, target]
  const add = (subject, base, label, target) => {
    const push = (c) => {
      const i = commands.findIndex((x) => x.label === c.label);
      if (i >= 0) return i;
      commands.push({ env, timeoutMs: 120_000, ...c });
      return commands.length - 1;
    };
    pairs.push([push(subject), push(base), label, target]);
  };

  // CLI
  const cliDir = project(root, join(work, 'invoke-cli'));
  writeFileSync(join(cliDir, 'wi-gen.yaml'), SPEC);
  const floor = { label: 'node -e 0', argv: [node, '-e', '0'] };
  const binRun = { label: 'node_modules/.bin/wi-gen SPEC', argv: ['node_modules/.bin/wi-gen', 'wi-gen.yaml'], cwd: cliDir };
  add(binRun, floor, 'invoke: CLI, installed bin', 1.5);
  if (hasTool('npx')) add({ label: 'npx --no-install wi-gen SPEC', argv: ['npx', '--no-install', 'wi-gen', 'wi-gen.yaml'], cwd: cliDir }, binRun, 'invoke: CLI through npx (not documented any more), against the bin', undefined);

  // pre-commit, the README's local hook
  if (hasTool('pre-commit') && hasTool('git')) {
    const hook = project(root, join(work, 'invoke-pre-commit'));
    const floorRepo = join(work, 'invoke-pre-commit-floor');
    rmSync(floorRepo, { recursive: true, force: true });
    cpSync(join(root, 'examples', 'gke-cronjob'), join(hook, 'analytics'), { recursive: true });
    const local = snippet(root, 'pre-commit-local');
    writeFileSync(join(hook, '.pre-commit-config.yaml'), local);
    writeFileSync(join(hook, '.gitignore'), 'node_modules/\n');
    cpSync(hook, floorRepo, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(floorRepo, '.pre-commit-config.yaml'), local.replace(/entry: .*/, 'entry: "true"'));
    for (const d of [hook, floorRepo]) {
      for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.email=b@example.com', '-c', 'user.name=bench', 'commit', '-qm', 'init']]) spawnSync('git', args, { cwd: d });
    }
    const home = { ...env, PRE_COMMIT_HOME: join(work, 'pre-commit-home') };
    const args = ['pre-commit', 'run', '--all-files', '--color', 'never'];
    add({ label: 'pre-commit run (README local hook: wi-gen check)', argv: args, cwd: hook, env: home }, { label: 'pre-commit run (same hook, entry true)', argv: args, cwd: floorRepo, env: home }, 'invoke: pre-commit hook', undefined);
  } else skipped.push('pre-commit hook (pre-commit or git not installed)');

  // kpt, the README's Kptfile
  if (hasTool('kpt', ['version'])) {
    const kptProject = project(root, join(work, 'invoke-kpt'));
    const pkg = (name, kptfile) => {
      const p = join(kptProject, name);
      mkdirSync(p);
      writeFileSync(join(p, 'Kptfile'), kptfile);
      writeFileSync(join(p, 'wi-gen.yaml'), SPEC);
      writeFileSync(join(p, 'cronjob.yaml'), CRONJOB);
      return p;
    };
    const readme = snippet(root, 'kptfile');
    const documented = pkg('pkg', readme);
    const onPath = pkg('pkg-path', readme.replace(/exec: .*/, 'exec: wi-gen fn'));
    const floorPkg = pkg('pkg-floor', readme.replace(/exec: .*/, 'exec: cat'));
    const render = ['kpt', 'fn', 'render', '--allow-exec'];
    const kptFloor = { label: 'kpt fn render (function: cat)', argv: render, cwd: floorPkg };
    add({ label: 'kpt fn render (README Kptfile: npx)', argv: render, cwd: documented }, kptFloor, 'invoke: kpt function, README Kptfile', undefined);
    add({ label: 'kpt fn render (exec: wi-gen fn, on PATH)', argv: render, cwd: onPath, env: { ...env, PATH: `${join(kptProject, 'node_modules', '.bin')}:${process.env.PATH}` } }, kptFloor, 'invoke: kpt function, wi-gen on PATH', undefined);
  } else skipped.push('kpt function (kpt not installed)');

  // kubectl kustomize with the legacy exec plugin
  if (hasTool('kubectl', ['version', '--client'])) {
    const kz = project(root, join(work, 'invoke-kustomize'));
    writeFileSync(join(kz, 'kustomization.yaml'), snippet(root, 'kustomization-generator'));
    writeFileSync(join(kz, 'wi-gen.yaml'), SPEC);
    writeFileSync(join(kz, 'cronjob.yaml'), CRONJOB);
    const plain = join(work, 'invoke-kustomize-floor');
    rmSync(plain, { recursive: true, force: true });
    mkdirSync(plain);
    const withPlugin = snippet(root, 'kustomize-plugin-command').trim();
    const a = spawnSync('sh', ['-c', withPlugin], { cwd: kz, encoding: 'utf8', env: { ...process.env, ...env } });
    // The floor: the objects the README's kustomization builds (generator and transformer), as a
    // plain resource; both sides must build the same objects.
    writeFileSync(join(plain, 'objects.yaml'), a.stdout);
    writeFileSync(join(plain, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - objects.yaml\n');
    const b = spawnSync('kubectl', ['kustomize', '.'], { cwd: plain, encoding: 'utf8' });
    if (a.status !== 0 || b.status !== 0 || a.stdout !== b.stdout) throw new Error(`kustomize floor builds other objects:\n${a.stderr}${b.stderr}`);
    add({ label: 'kubectl kustomize (README generator)', argv: sh(withPlugin), cwd: kz }, { label: 'kubectl kustomize (same objects as a resource)', argv: ['kubectl', 'kustomize', '.'], cwd: plain }, 'invoke: kustomize plugin', undefined);
  } else skipped.push('kustomize plugin (kubectl not installed)');

  const results = measure(work, commands, { runs, warmup });
  for (const [s, b, label, target] of pairs) rows.push(comparisonRow(`${label}: ${results[s].label}`, results[s], results[b], target));
  return { rows, skipped };
}
