/**
 * The generated README: what each file is, the order to apply it in, and how to prove the
 * binding works — so the tree can be taken to a cluster without opening another document.
 */
import { shellQuote } from '../format/shell.js';
import type { Model } from '../model/model.js';
import type { MethodContext, ReadmeContribution } from '../model/method.js';
import type { CertManagerConfig } from './cert-manager.js';
import { ISSUER_AMBIENT_CREDENTIALS_FLAG } from './cert-manager.js';
import { generatedHeader, type TreeFile } from '../format/tree.js';
import type { GrantRecord } from '../lifecycle/record.js';
import { kubectlDelete } from '../lifecycle/removal.js';
import type { TerraformModule } from './cloud.js';
import { ADOPTION_FILE, TERRAFORM_DIR } from './terraform-imports.js';

const CERT_MANAGER_VERSION = 'v1.21.1';

function describe(path: string): string {
  if (path === 'manifests/kustomization.yaml') return 'kustomize base listing every object wi-gen owns (`kubectl apply -k manifests/`)';
  if (path === 'manifests/service-accounts.yaml') return 'ServiceAccounts bound to cloud identities';
  if (path === 'manifests/issuers.yaml') return 'cert-manager issuers (DNS-01, no stored secret)';
  if (path.startsWith('manifests/')) return 'objects of an identity method';
  if (path === 'helm/cert-manager.values.yaml') return 'cert-manager Helm values';
  if (path.startsWith('kustomize/cert-manager/')) return 'kustomize Component patching the cert-manager static manifest';
  if (path.startsWith('kustomize/namespaces/')) return 'kustomize Component patching ServiceAccounts and workloads of one namespace';
  if (path === '.wi-gen-grants.json') return 'the cloud grants the scripts make, and those a re-render dropped (for prune.sh)';
  if (path === 'cloud/prune.sh') return 'removes the cloud grants of bindings that left the spec';
  if (path === 'cloud/teardown.sh') return 'removes everything the cloud scripts create (asks for --yes)';
  if (path.endsWith('.sh')) return 'cloud-side commands, in order';
  if (path === ADOPTION_FILE) return 'Terraform import blocks, only for adopting objects that already exist (see below)';
  if (path.startsWith('cloud/terraform/')) return 'the same cloud side as Terraform';
  if (path.startsWith('cloud/')) return 'the same cloud side as Kubernetes objects for a cloud controller';
  return '';
}

function bullet(lines: readonly string[]): string {
  return lines.map((l) => `- ${l.replaceAll('\n', '\n  ')}`).join('\n');
}

/**
 * What cert-manager says when a namespaced Issuer lacks ambient credentials, or the DNS role is
 * missing, in the words of the DNS providers the spec uses: Cloud DNS and Route53 fail with
 * "empty credentials…", Azure DNS with "ClientID was omitted…" (cert-manager's solvers; see
 * ../shared/research/gke-cert-manager.md), and Azure calls a missing role `AuthorizationFailed`.
 */
function dnsFailureHint(model: Model): string {
  const issuers = model.certManager?.issuers ?? [];
  const providersOf = (list: typeof issuers) =>
    new Set(list.flatMap((i) => Object.keys(i.dns01).filter((k) => k !== 'zones' && (i.dns01 as Record<string, unknown>)[k] !== undefined)));
  const providers = providersOf(issuers);
  // Only namespaced Issuers on ambient credentials can hit the missing-flag errors.
  const ambientProviders = providersOf(issuers.filter((i) => i.kind === 'Issuer' && i.identity.method.ambient(i.identity)));
  const ambient = [
    ...(ambientProviders.has('cloudDNS') || ambientProviders.has('route53') ? ['`empty credentials; perhaps you meant to enable ambient credentials?`'] : []),
    ...(ambientProviders.has('azureDNS') ? ['`ClientID was omitted…`'] : []),
  ];
  const denied = providers.has('azureDNS') ? 'a 403 (`AuthorizationFailed` from Azure)' : 'a 403';
  const deniedText = `${denied} means the DNS role or the identity binding is missing.`;
  return ambient.length
    ? `${ambient.join(' or ')} means a namespaced Issuer without \`${ISSUER_AMBIENT_CREDENTIALS_FLAG}\`; ${deniedText}`
    : deniedText.charAt(0).toUpperCase() + deniedText.slice(1);
}

/**
 * `pad` after each line break followed by a character other than a line terminator: what
 * `text.replace(/\n(?=.)/g, `\n${pad}`)` does, with no expression to compile.
 */
function indentContinuations(text: string, pad: string): string {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (i + 1 < text.length && next !== 10 && next !== 13 && next !== 0x2028 && next !== 0x2029) {
      out += `${text.slice(from, i + 1)}${pad}`;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** `cloud/NAME.sh`, NAME without a '/': what /^cloud\/[^/]+\.sh$/ matches, with no expression to compile. */
const isCloudScript = (path: string): boolean => path.length > 'cloud/.sh'.length && path.startsWith('cloud/') && path.endsWith('.sh') && !path.slice('cloud/'.length, -'.sh'.length).includes('/');

/**
 * `adopting` is `adoptingSection(terraform)` of the render's cloud plans: made while they are at hand,
 * so the README does not plan every binding's cloud side again.
 */
export function readmeFile(model: Model, paths: readonly string[], config: CertManagerConfig | undefined, warnings: readonly string[], adopting: readonly string[], record?: Pick<GrantRecord, 'prune'>): TreeFile {
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
  for (const p of paths.filter((x) => isCloudScript(x) && x !== 'cloud/prune.sh' && x !== 'cloud/teardown.sh')) cloud.push(`\`bash ${shellQuote(p)}\``);
  if (dirs('cloud/terraform').length) cloud.push(`or \`terraform -chdir=cloud/terraform init && terraform -chdir=cloud/terraform apply\`${adopting.length ? ' (where the scripts ran before, adopt first: see *Adopting existing resources*)' : ''}`);
  const kcc = paths.filter((p) => p.startsWith('cloud/') && p.endsWith('.yaml'));
  if (kcc.length) cloud.push(`or, with a cloud controller in the cluster, \`kubectl apply ${kcc.map((p) => `-f ${p}`).join(' ')}\``);
  out.push(`${step++}. **Cloud side.** ${cloud.join(', ')}.`);
  // A multi-line prerequisite (one with a code block) stays inside its list item.
  const indentItem = (p: string) => indentContinuations(p, '     ');
  if (prerequisites.length) out.push(`   Prerequisites:\n${prerequisites.map((p) => `   - ${indentItem(p)}`).join('\n')}`);
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
      `${step++}. **Workloads.** Add the Component of each namespace to a kustomization that holds that namespace's workloads (and only those), and roll them out (identity webhooks mutate pods only when they are created; a Job's pod template cannot change, so re-create Jobs). Recommended layout, one directory per namespace and one kustomization over them:`,
      '',
      '   ```yaml',
      ...nsComponents.slice(0, 2).flatMap((d) => {
        const ns = d.slice('kustomize/namespaces/'.length);
        return [`   # ${ns}/kustomization.yaml`, '   resources:', `   - workloads.yaml            # the Deployments, Jobs, … of ${ns}`, '   components:', `   - <path to this directory>/${d}`];
      }),
      ...(nsComponents.length > 2 ? [`   # … one such directory for each of the ${nsComponents.length} namespaces`] : []),
      '   # kustomization.yaml',
      '   resources:',
      ...nsComponents.slice(0, 2).map((d) => `   - ${d.slice('kustomize/namespaces/'.length)}`),
      ...(nsComponents.length > 2 ? ['   - …'] : []),
      '   - <path to this directory>/manifests',
      '   ```',
      '',
      "   kustomize's cost for a patch grows with the objects of the kustomization the Component is in, so a Component beside its own namespace's workloads keeps the build close to that of a tree with `serviceAccountName` written in by hand; one kustomization holding every namespace's Component and workload grows much faster.",
      '',
      '   Each patch selects its object by kind and name in that namespace (or with no namespace yet, when your kustomization sets `namespace:`); an object that is not there is skipped, so check the build: `kubectl kustomize . | grep -n serviceAccountName`. A `serviceAccountName` already set by hand is replaced; the kustomize transformer and the KRM function (`wi-gen fn`) report it instead.',
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
        'A DNS-01 challenge that fails shows why in `kubectl describe challenges -A`. ' + dnsFailureHint(model),
      ].join('\n'),
    );
  }
  // One line each, a blank line between: a tree of thousands of bindings has as many checks, not joined into one string.
  if (verify.length) out.push('## Verify', '', ...verify.flatMap((v, i) => (i === 0 ? [v] : ['', v])), '');
  const notes = [...new Set(contributions.flatMap((c) => c.notes ?? []))];
  if (notes.length) out.push('## Notes', '', bullet(notes), '');
  if (record) out.push(lifecycleSection(model, paths, record), '');
  const sections = new Map<string, string>();
  for (const section of contributions.flatMap((c) => c.sections ?? [])) sections.set(`## ${section.title}\n\n${section.body.trimEnd()}`, '');
  for (const section of sections.keys()) out.push(section, '');
  out.push(...adopting);
  return { path: 'README.md', parts: tidyLines(out) };
}

/**
 * `lines.join('\n')` with runs of blank lines made one, no trailing white space and one final
 * newline, as parts (the lines themselves where they hold no run): the README of a large tree
 * is megabytes of plain text behind a header with a typographic dash, and a single string of it
 * would take two bytes a character (see TreeFile).
 */
export function tidyLines(lines: readonly string[]): string[] {
  const parts: string[] = [];
  let newlines = 0; // newlines after the last text, not yet in parts
  lines.forEach((line, i) => {
    if (i > 0) newlines++;
    let lead = 0;
    while (lead < line.length && line.charCodeAt(lead) === 10) lead++;
    newlines += lead;
    if (lead === line.length) return;
    let end = line.length;
    while (line.charCodeAt(end - 1) === 10) end--;
    if (newlines > 0) parts.push(newlines >= 2 ? '\n\n' : '\n');
    const text = lead === 0 && end === line.length ? line : line.slice(lead, end);
    parts.push(text.includes('\n\n\n') ? text.replace(/\n{3,}/g, '\n\n') : text);
    newlines = line.length - end;
  });
  for (let last = parts.pop(); last !== undefined; last = parts.pop()) {
    const kept = last.trimEnd();
    if (kept !== '') {
      parts.push(kept);
      break;
    }
  }
  parts.push('\n');
  return parts;
}

function lifecycleSection(model: Model, paths: readonly string[], record: Pick<GrantRecord, 'prune'>): string {
  const lines = ['## Lifecycle', ''];
  const pending = record.prune.filter((g) => g.cli !== 'kubectl');
  const objects = record.prune.filter((g): g is Extract<typeof g, { kind: 'cloud-object' }> => g.kind === 'cloud-object');
  if (pending.length > 0 || objects.length > 0) {
    lines.push(`**To prune:** ${record.prune.length} cloud grant(s) of bindings that left the spec are still in place.`, '');
    if (pending.length > 0) {
      lines.push(
        `- Run the cloud scripts first (they rewrite what they own, such as trust policies), then \`bash cloud/prune.sh\`: it removes exactly the grants listed under \`prune\` in \`.wi-gen-grants.json\`, newest dependencies first, and is safe to re-run.`,
      );
    }
    if (objects.length > 0) lines.push(`- Delete the controller objects that left the tree:\n\n  \`\`\`sh\n${objects.map((o) => `  ${kubectlDelete(o)}`).join('\n')}\n  \`\`\``);
    lines.push(`- Then re-render with \`wi-gen ${model.specName} -o DIR --pruned\`, so the record forgets them. Until then every render keeps them in prune.sh: rendering twice never forgets a standing grant.`, '');
  }
  lines.push(
    '- `.wi-gen-grants.json` records every cloud grant and identity the scripts make. When a binding leaves the spec, the next render writes `cloud/prune.sh`; with nothing to prune there is none.',
  );
  if (paths.includes('cloud/teardown.sh')) {
    lines.push('- `bash cloud/teardown.sh --yes` removes everything the scripts create, in reverse order; identities the spec marks `create: false` are kept (only their grants go).');
  }
  if (paths.some((p) => p.startsWith('cloud/terraform/'))) {
    lines.push('- Terraform removes what leaves its configuration itself: re-render, then `terraform apply` destroys the dropped resources (its state, not this record, is the source of truth there).');
  }
  return lines.join('\n');
}

/**
 * `## Adopting existing resources`: how Terraform takes over a cloud side that `cloud/*.sh` or a
 * hand already made. The import blocks stay out of the module until asked for: one whose object
 * does not exist fails the plan, and a fresh cloud has none of them.
 */
export function adoptingSection({ files, adoption: { imports, recipes, notNeeded } }: TerraformModule): string[] {
  if (files.length === 0) return [];
  if (imports.length === 0 && recipes.length === 0) return [];
  const importedByModule = files.some((f) => f.blocks.some((b) => b.type === 'import'));
  const steps: string[] = [];
  if (imports.length) {
    steps.push(
      [
        `**Import blocks.** \`cp ${ADOPTION_FILE} ${TERRAFORM_DIR}/\`. It adopts ${imports.map((i) => `\`${i.address}\``).join(', ')}, each by the ID its provider documents (the link above each block). It is not in \`${TERRAFORM_DIR}/\` by default because an import block whose object does not exist fails the plan ("Cannot import non-existent remote object"): on a fresh cloud there is nothing to adopt. If only some of the objects exist, delete the other blocks from the copy.`,
        ...(imports.some((i) => i.type === 'azurerm_federated_identity_credential')
          ? [
              '',
              'When `cloud/az.sh` said `reusing federated credential NAME … (wi-gen would name it …)`, the credential exists under another name: in the copy, end that block\'s `id` in `/federatedIdentityCredentials/NAME`. The apply then replaces it with one of wi-gen\'s name (the name cannot change in place).',
            ]
          : []),
      ].join('\n'),
    );
  }
  if (recipes.length) {
    steps.push(
      [
        `**Objects whose ID the cloud chose** (${[...new Set(recipes.map((r) => `[\`${r.type}\`](${r.doc})`))].join(', ')}): look each one up and import it, from this directory after \`terraform -chdir=${TERRAFORM_DIR} init\`. A line imports only what its lookup finds.`,
        '',
        '```sh',
        ...recipes.flatMap((r) => [`# ${r.address}: ${r.what}`, ...r.lines]),
        '```',
      ].join('\n'),
    );
  }
  steps.push(
    `**Plan, then apply.** \`terraform -chdir=${TERRAFORM_DIR} init\`, then \`terraform -chdir=${TERRAFORM_DIR} plan\` reports the imports; check that it changes or replaces nothing you did not expect, then \`terraform -chdir=${TERRAFORM_DIR} apply\`.`,
  );
  if (imports.length) {
    steps.push(
      `**Delete the copy** (\`rm ${TERRAFORM_DIR}/imports.tf\`). An import block of an object already in the state does nothing, but one whose binding later leaves the spec names a resource that is no longer declared, and the plan fails.`,
    );
  }
  const out = [
    '## Adopting existing resources',
    '',
    `When the cloud side already exists (\`cloud/*.sh\` ran, or someone made the objects by hand), the first \`terraform apply\` stops with "already exists — to be managed via Terraform this resource needs to be imported". Adopt the objects first (Terraform >= 1.5):`,
    '',
    ...steps.map((s, n) => `${n + 1}. ${indentContinuations(s, '   ')}`),
    '',
  ];
  const notes = [
    ...notNeeded.map((n) => `\`${n.type}\`: ${n.reason}, so Terraform takes it over on apply.`),
    ...(importedByModule ? ['A role the spec marks `create: false` is imported by the module itself (an `import` block beside the role).'] : []),
  ];
  if (notes.length) out.push('Not imported, and why:', '', bullet(notes), '');
  return out;
}
