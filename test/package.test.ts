// The package as npm ships it: `npm pack`, then an offline install of the tarball alone into an
// empty project (a fresh npm cache, so nothing can come from elsewhere). It must install as one
// package with nothing else in node_modules, and from there: the bin, the README's library
// snippets, and consumers type-checked against the published declarations (ESM and CommonJS,
// with no zod, yaml or cdk8s types around), then the cdk8s snippet with the peers added.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { snippet, quietEnv } from './support/integrations.js';
import { cli, examplesDir, repoRoot, yamlDocs } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';

const requireHere = createRequire(import.meta.url);
const tsc = requireHere.resolve('typescript/bin/tsc');
const tsx = requireHere.resolve('tsx');

type Obj = Record<string, any>;

if (!hasTool('npm')) {
  test.skip('npm is not installed: cannot pack and install the package', () => {});
} else {
  const cache = tmpDir('wi-gen-npm-cache-');
  const env = quietEnv({ npm_config_cache: cache, npm_config_audit: 'false', npm_config_fund: 'false' });
  let project = '';

  test('npm pack, then an offline install of the tarball: one package, nothing else in node_modules', () => {
    const packDir = tmpDir('wi-gen-pack-');
    const packed = run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: repoRoot, env });
    assert.is(packed.code, 0, packed.stderr);
    const info = (JSON.parse(packed.stdout) as Obj[])[0] as Obj;
    const shipped = new Set((info.files as Obj[]).map((f) => f.path as string));
    for (const file of ['bin/wi-gen.cjs', 'bin/wi-gen.mjs', 'lib/wi-gen.cjs', 'lib/wi-gen-cli.cjs', 'lib/wi-gen.mjs', 'lib/index.mjs', 'lib/index.d.ts', 'lib/index.d.cts', 'lib/cdk8s.cjs', 'lib/cdk8s.mjs', 'lib/cdk8s.d.ts', 'lib/cdk8s.d.cts']) {
      assert.ok(shipped.has(file), `the tarball lacks ${file}`);
    }
    assert.not.ok([...shipped].some((f) => f.startsWith('src/') || f.startsWith('test/')), 'sources or tests in the tarball');

    project = tmpDir('wi-gen-consumer-');
    writeFileSync(join(project, 'package.json'), '{ "private": true }\n');
    const installed = run('npm', ['install', '--offline', '--ignore-scripts', '--no-package-lock', join(packDir, info.filename as string)], { cwd: project, env });
    assert.is(installed.code, 0, installed.stdout + installed.stderr);
    assert.equal(readdirSync(join(project, 'node_modules')).filter((n) => n !== '.package-lock.json').sort(), ['.bin', 'wi-gen']);
    assert.equal(readdirSync(join(project, 'node_modules', '.bin')), ['wi-gen']);
  });

  test('the installed bin prints what the checkout prints', () => {
    const spec = join(examplesDir, 'gke-cert-manager', 'spec.yaml');
    const r = run(join(project, 'node_modules', '.bin', 'wi-gen'), [spec], { cwd: project });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, cli([spec]).stdout);
    assert.match(r.stdout, /kind: ClusterIssuer/);
  });

  test('the README library snippet: the stream of `wi-gen SPEC`, and positioned problems with exit 2', () => {
    const spec = join(examplesDir, 'aks-workload-identity', 'spec.yaml');
    copyFileSync(spec, join(project, 'spec.yaml'));
    writeFileSync(join(project, 'library.mjs'), snippet('library'));
    const good = run(process.execPath, ['library.mjs'], { cwd: project });
    assert.is(good.code, 0, good.stderr);
    assert.is(good.stdout, cli([spec]).stdout);
    assert.match(good.stderr, /^\d+ files, \d+ objects$/m);
    assert.match(good.stderr, /^billing\/invoice-reader: azureWorkloadIdentity$/m);

    const bad = join(project, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'spec.yaml'), 'apiVersion: wi-gen.dev/v1alpha1\nkind: WorkloadIdentitySpec\ncluster: {}\n');
    const r = run(process.execPath, [join(project, 'library.mjs')], { cwd: bad });
    assert.is(r.code, 2, r.stdout + r.stderr);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /^spec\.yaml:\d+:\d+: identities: /m);
  });

  test('CommonJS: require("wi-gen") works; wi-gen/cdk8s asks for its peers, which the library never loads', () => {
    const script = [
      "const wi = require('wi-gen');",
      "if (typeof wi.loadSpec !== 'function' || typeof wi.render !== 'function') throw new Error('no API');",
      "try { require('wi-gen/cdk8s'); console.log('loaded'); } catch (e) { console.log(e.code, /'cdk8s'/.test(e.message)); }",
    ].join('\n');
    const r = run(process.execPath, ['-e', script], { cwd: project });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout.trim(), 'MODULE_NOT_FOUND true');
  });

  test('consumers type-check against the published declarations alone (ESM and CommonJS)', () => {
    const consumer = `import { formatProblem, loadSpec, render, type Binding, type LoadResult, type Rendered } from 'wi-gen';
const result: LoadResult = loadSpec('kind: x', { file: 'spec.yaml' });
if (result.ok) {
  const rendered: Rendered = render(result.model);
  const paths: string[] = rendered.files.map((f) => f.path);
  const first: Binding | undefined = result.model.bindings[0];
  const selector: Readonly<Record<string, string>> | undefined = first?.pod.nodeSelector;
  void paths, selector;
} else {
  const lines: string[] = result.problems.map((p) => \`\${p.line}:\${p.col} \${formatProblem(p)}\`);
  void lines;
}
// @ts-expect-error a model only comes from loadSpec
render({ specName: 'x', bindings: [], warnings: [] });
// @ts-expect-error the file name is required
loadSpec('');
`;
    writeFileSync(join(project, 'consumer.mts'), consumer);
    writeFileSync(join(project, 'consumer.cts'), consumer);
    const tsconfig = { compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: [], skipLibCheck: false }, files: ['consumer.mts', 'consumer.cts'] };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const r = run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: project });
    assert.is(r.code, 0, r.stdout + r.stderr);

    // The check has teeth: a wrong use of the API is an error.
    writeFileSync(join(project, 'wrong.mts'), "import { render } from 'wi-gen';\nconst n: number = render;\n");
    writeFileSync(join(project, 'tsconfig.wrong.json'), JSON.stringify({ ...tsconfig, files: ['wrong.mts'] }));
    const wrong = run(process.execPath, [tsc, '-p', 'tsconfig.wrong.json', '--pretty', 'false'], { cwd: project });
    assert.is(wrong.code, 2, wrong.stdout);
    assert.match(wrong.stdout, /wrong\.mts\(2,7\): error TS2322/);
  });

  test('the README cdk8s snippet type-checks and synthesizes the CLI objects plus the bound workloads', () => {
    // The user's own cdk8s, constructs and cdk8s-plus-27 (and Node's types, for the snippet's readFileSync).
    for (const peer of ['cdk8s', 'constructs', 'cdk8s-plus-27', '@types/node']) {
      mkdirSync(join(project, 'node_modules', peer, '..'), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', peer), join(project, 'node_modules', peer), 'dir');
    }
    writeFileSync(join(project, 'app.mts'), snippet('library-cdk8s'));
    const tsconfig = { compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: ['node'], skipLibCheck: true }, files: ['app.mts'] };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const checked = run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: project });
    assert.is(checked.code, 0, checked.stdout + checked.stderr);

    const synth = run(process.execPath, ['--import', tsx, 'app.mts'], { cwd: project });
    assert.is(synth.code, 0, synth.stderr);
    const objects = yamlDocs(synth.stdout);
    const expected = yamlDocs(cli([join(examplesDir, 'aks-workload-identity', 'spec.yaml')]).stdout);
    assert.equal(objects.slice(0, expected.length), expected);
    const pod = (kind: string) => {
      const o = objects.find((x) => x.kind === kind) as Obj;
      return kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template;
    };
    assert.is(pod('Deployment').spec.serviceAccountName, 'invoice-reader');
    assert.is(pod('Deployment').metadata.labels['azure.workload.identity/use'], 'true');
    assert.is(pod('CronJob').spec.serviceAccountName, 'invoice-exporter');
    assert.is(pod('CronJob').metadata.labels['azure.workload.identity/use'], 'true');
  });
}

test.run();
