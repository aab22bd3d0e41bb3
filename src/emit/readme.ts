/**
 * The generated README: what each file is, the order to apply it in, and how to prove the
 * binding works — so the tree can be taken to a cluster without opening another document.
 */
import { shellQuote } from './shell.js';
import type { Model } from '../model/model.js';
import type { MethodContext, ReadmeContribution } from '../methods/method.js';
import type { CertManagerConfig } from './cert-manager.js';
import { ISSUER_AMBIENT_CREDENTIALS_FLAG } from './cert-manager.js';
import { generatedHeader, type OutputFile } from './tree.js';

const CERT_MANAGER_VERSION = 'v1.21.1';

function describe(path: string): string {
  if (path === 'manifests/kustomization.yaml') return 'kustomize base listing every object wi-gen owns (`kubectl apply -k manifests/`)';
  if (path === 'manifests/service-accounts.yaml') return 'ServiceAccounts bound to cloud identities';
  if (path === 'manifests/issuers.yaml') return 'cert-manager issuers (DNS-01, no stored secret)';
  if (path.startsWith('manifests/')) return 'objects of an identity method';
  if (path === 'helm/cert-manager.values.yaml') return 'cert-manager Helm values';
  if (path.startsWith('kustomize/cert-manager/')) return 'kustomize Component patching the cert-manager static manifest';
  if (path.startsWith('kustomize/namespaces/')) return 'kustomize Component patching ServiceAccounts and workloads of one namespace';
  if (path.endsWith('.sh')) return 'cloud-side commands, in order';
  if (path.startsWith('cloud/terraform/')) return 'the same cloud side as Terraform';
  if (path.startsWith('cloud/')) return 'the same cloud side as Kubernetes objects for a cloud controller';
  return '';
}

function bullet(lines: readonly string[]): string {
  return lines.map((l) => `- ${l.replace(/\n/g, '\n  ')}`).join('\n');
}

export function readmeFile(model: Model, paths: readonly string[], config: CertManagerConfig | undefined, warnings: readonly string[]): OutputFile {
  const ctx: MethodContext = { model };
  const contributions: ReadmeContribution[] = model.identities.map((i) => i.method.readme?.(i, ctx) ?? {});
  const has = (p: string) => paths.includes(p);
  const dirs = (prefix: string) => [...new Set(paths.filter((p) => p.startsWith(prefix)).map((p) => p.slice(0, p.lastIndexOf('/'))))].sort();
  const out: string[] = [];
  out.push(generatedHeader(model.specName, 'markdown').trimEnd(), '');
  out.push(`# Workload identity for cluster \`${model.cluster.name}\``, '');
  out.push(
    `Rendered by wi-gen from \`${model.specName}\`: ${model.identities.length} identit${model.identities.length === 1 ? 'y' : 'ies'}, ${model.bindings.length} ServiceAccount binding${model.bindings.length === 1 ? '' : 's'}${model.certManager ? `, ${model.certManager.issuers.length} cert-manager issuer${model.certManager.issuers.length === 1 ? '' : 's'}` : ''}. Both halves of every binding (Kubernetes and cloud) come from the same spec values, so they agree.`,
    '',
  );
  if (warnings.length > 0) out.push('## Warnings', '', bullet([...new Set(warnings)]), '');

  out.push('## Files', '', '| file | what it is |', '| --- | --- |');
  for (const p of [...paths, 'README.md'].sort()) out.push(`| \`${p}\` | ${p === 'README.md' ? 'this file' : describe(p)} |`);
  out.push('');

  out.push('## Apply, in this order', '');
  let step = 1;
  // Identities of one method share cluster-wide steps; say each once.
  const prerequisites = [...new Set(contributions.flatMap((c) => c.prerequisites ?? []))];
  const cloud: string[] = [];
  for (const p of paths.filter((x) => /^cloud\/[^/]+\.sh$/.test(x))) cloud.push(`\`bash ${shellQuote(p)}\``);
  if (dirs('cloud/terraform').length) cloud.push('or `terraform -chdir=cloud/terraform init && terraform -chdir=cloud/terraform apply`');
  const kcc = paths.filter((p) => p.startsWith('cloud/') && p.endsWith('.yaml'));
  if (kcc.length) cloud.push(`or, with a cloud controller in the cluster, \`kubectl apply ${kcc.map((p) => `-f ${p}`).join(' ')}\``);
  out.push(`${step++}. **Cloud side.** ${cloud.join(', ')}.`);
  if (prerequisites.length) out.push(`   Prerequisites:\n${prerequisites.map((p) => `   - ${p}`).join('\n')}`);
  if (config) {
    const cm = config.spec;
    if (has('helm/cert-manager.values.yaml')) {
      out.push(
        `${step++}. **cert-manager (Helm).** The release must be named \`cert-manager\` (its Deployment and ServiceAccount names are in the spec):`,
        '',
        '   ```sh',
        `   helm upgrade --install cert-manager oci://quay.io/jetstack/charts/cert-manager --version ${CERT_MANAGER_VERSION} \\`,
        `     --namespace ${cm.namespace} --create-namespace --set crds.enabled=true -f helm/cert-manager.values.yaml`,
        '   ```',
        '',
      );
    } else if (dirs('kustomize/cert-manager').length) {
      out.push(
        `${step++}. **cert-manager (static manifest).** Include the Component in the kustomization that holds the release manifest, then apply it:`,
        '',
        '   ```yaml',
        '   resources:',
        `   - https://github.com/cert-manager/cert-manager/releases/download/${CERT_MANAGER_VERSION}/cert-manager.yaml`,
        '   components:',
        '   - <path to this directory>/kustomize/cert-manager',
        '   ```',
        '',
      );
    }
  }
  if (has('manifests/kustomization.yaml')) {
    out.push(`${step++}. **Objects wi-gen owns.** \`kubectl apply -k manifests/\` (or \`wi-gen ${shellQuote(model.specName)} | kubectl apply -f -\`). Namespaces must exist.`);
  }
  const nsComponents = dirs('kustomize/namespaces/');
  if (nsComponents.length) {
    out.push(
      `${step++}. **Workloads.** Add the Component of each namespace to the kustomization that holds its workloads, and roll them out (identity webhooks mutate pods only when they are created; a Job's pod template cannot change, so re-create Jobs):`,
      '',
      '   ```yaml',
      '   components:',
      ...nsComponents.map((d) => `   - <path to this directory>/${d}`),
      '   ```',
      '',
      '   Each patch selects its object by kind and name in that namespace (or with no namespace yet, when your kustomization sets `namespace:`); an object that is not there is skipped, so check the build: `kubectl kustomize . | grep -n serviceAccountName`.',
      '',
    );
  }
  out.push('');

  const verify = [...new Set(contributions.flatMap((c) => c.verify ?? []))];
  if (config && config.spec.issuers.length) {
    const names = config.spec.issuers.map((i) => (i.kind === 'ClusterIssuer' ? shellQuote(`clusterissuer/${i.name}`) : `${shellQuote(`issuer/${i.name}`)} -n ${shellQuote(i.namespace ?? '')}`));
    verify.push(
      [
        'Every issuer reports `Ready=True` once its ACME account is registered:',
        '',
        '```sh',
        ...names.map((n) => `kubectl get ${n} -o wide`),
        '```',
        '',
        'A DNS-01 challenge that fails shows why in `kubectl describe challenges -A`. `empty credentials; perhaps you meant to enable ambient credentials?` or `ClientID was omitted…` means a namespaced Issuer without ' +
          `\`${ISSUER_AMBIENT_CREDENTIALS_FLAG}\`; a 403 means the DNS role or the identity binding is missing.`,
      ].join('\n'),
    );
  }
  if (verify.length) out.push('## Verify', '', verify.join('\n\n'), '');
  const notes = [...new Set(contributions.flatMap((c) => c.notes ?? []))];
  if (notes.length) out.push('## Notes', '', bullet(notes), '');
  const sections = new Map<string, string>();
  for (const section of contributions.flatMap((c) => c.sections ?? [])) sections.set(`## ${section.title}\n\n${section.body.trimEnd()}`, '');
  for (const section of sections.keys()) out.push(section, '');
  return { path: 'README.md', content: out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n' };
}
