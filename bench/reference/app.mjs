// The reference for the scale benchmark: the bare cdk8s-plus-27 app a cdk8s user would write
// instead of wi-gen for the same output. It reads the same generated spec (bench/generate.mjs)
// with the same YAML parser and synthesizes the same annotated ServiceAccounts wi-gen's stream
// prints (same labels, annotations and automountServiceAccountToken), to stdout, or with
// --outdir DIR into DIR as cdk8s writes it. bench/scale.mjs bundles it with esbuild in each run,
// as wi-gen is bundled, and checks that both print the same objects.
//
//   node app.mjs SPEC [--outdir DIR]
import { readFileSync } from 'node:fs';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { parse } from 'yaml';

const [specPath, flag, outdir] = process.argv.slice(2);
const spec = parse(readFileSync(specPath, 'utf8'));
const emails = new Map(spec.identities.map((i) => [i.name, i.gke.serviceAccount]));

const app = new App(flag === '--outdir' ? { outdir } : {});
const chart = new Chart(app, 'service-accounts', { labels: { 'app.kubernetes.io/managed-by': 'wi-gen' }, disableResourceNameHashes: true });
for (const b of spec.bindings) {
  const { namespace, name } = b.serviceAccount;
  new kplus.ServiceAccount(chart, `${namespace}-${name}`, {
    metadata: { name, namespace, annotations: { 'iam.gke.io/gcp-service-account': emails.get(b.identity) } },
    automountToken: false,
  });
}
if (flag === '--outdir') app.synth();
else process.stdout.write(app.synthYaml());
