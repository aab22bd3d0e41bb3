/**
 * From a schema-valid spec to the resolved model: follows every reference and applies the rules
 * that span fields (a KSA bound once, issuers and their identities, the ambient-credentials
 * guard), then lets each identity method check its own cross-field rules.
 */
import { Diagnostics } from '../model/diagnostics.js';
import type {
  CertManagerModel,
  Identity,
  IssuerModel,
  Model,
  ServiceAccountBinding,
  WorkloadRef,
} from '../model/model.js';
import { METHODS } from '../methods/registry.js';
import { containerAdditions, type AnyIdentityMethod } from '../model/method.js';
import { ACME_SERVERS } from '../schema/cert-manager.js';
import { CLUSTER_KINDS } from '../schema/cluster.js';
import { dns01Provider } from '../schema/dns01.js';
import type { Spec } from './schema.js';

interface ResolveOptions {
  readonly specName: string;
  readonly diagnostics: Diagnostics;
}

export function resolveModel(spec: Spec, options: ResolveOptions): Model | undefined {
  const diag = options.diagnostics;

  const clusterKinds = CLUSTER_KINDS.filter((k) => (spec.cluster as Record<string, unknown>)[k] !== undefined);
  if (clusterKinds.length > 1) diag.error(['cluster'], `has ${clusterKinds.join(' and ')}; a spec describes one cluster`);

  const identities = new Map<string, Identity>();
  spec.identities.forEach((raw, index) => {
    const method = METHODS.find((m) => (raw as Record<string, unknown>)[m.key] !== undefined) as AnyIdentityMethod;
    const path = ['identities', index];
    if (identities.has(raw.name)) {
      diag.error([...path, 'name'], `identity "${raw.name}" is defined twice`);
      return;
    }
    identities.set(raw.name, {
      name: raw.name,
      method,
      config: (raw as Record<string, unknown>)[method.key],
      bindings: [],
      path,
    });
  });

  const bindings: ServiceAccountBinding[] = [];
  // Where each ServiceAccount was bound, formatted only for the error that quotes it.
  const bound = new Map<string, (string | number)[]>();
  const claim = (namespace: string, name: string, path: (string | number)[]) => {
    const key = `${namespace}/${name}`;
    const previous = bound.get(key);
    if (previous) {
      diag.error(path, `ServiceAccount ${key} is already bound by ${previous.join('.').replace(/\.(\d+)/g, '[$1]')}; a ServiceAccount carries one identity`);
      return false;
    }
    bound.set(key, path);
    return true;
  };

  const workloadsSeen = new Map<string, string>();
  spec.bindings.forEach((raw, index) => {
    const path = ['bindings', index];
    const identity = identities.get(raw.identity);
    if (!identity) {
      diag.error([...path, 'identity'], unknownIdentity(raw.identity, identities));
      return;
    }
    const sa = raw.serviceAccount;
    if (!claim(sa.namespace, sa.name, [...path, 'serviceAccount'])) return;
    const workloads: WorkloadRef[] = raw.workloads.map((w, wi) => {
      const wpath = [...path, 'workloads', wi];
      const key = `${sa.namespace}/${w.kind}/${w.name}`;
      if (workloadsSeen.has(key)) diag.error(wpath, `${w.kind} ${sa.namespace}/${w.name} is already listed in ${workloadsSeen.get(key)}`);
      else workloadsSeen.set(key, `bindings[${index}]`);
      return { kind: w.kind, name: w.name, path: wpath };
    });
    const binding: ServiceAccountBinding = {
      identity,
      namespace: sa.namespace,
      name: sa.name,
      create: sa.create,
      automountToken: sa.automountToken,
      workloads,
      certManager: false,
      path: [...path, 'serviceAccount'],
    };
    identity.bindings.push(binding);
    bindings.push(binding);
  });

  const certManager = spec.certManager ? resolveCertManager(spec, identities, diag, claim) : undefined;
  if (certManager?.binding) {
    certManager.binding.identity.bindings.push(certManager.binding);
    bindings.push(certManager.binding);
  }

  const model: Model = {
    specName: options.specName,
    cluster: spec.cluster,
    identities: [...identities.values()],
    bindings,
    ...(certManager ? { certManager } : {}),
  };

  for (const identity of model.identities) {
    if (identity.method.deprecated) diag.warn([...identity.path, identity.method.key], identity.method.deprecated);
    identity.method.check?.(identity, { model, diagnostics: diag });
  }
  if (!diag.hasErrors) warnContainerAdditions(model, diag);
  return diag.hasErrors ? undefined : model;
}

/**
 * A kustomize Component cannot reach into a workload's containers without their names (JSON 6902
 * `add …/env/-` fails on a container without `env`; a strategic-merge container entry with an
 * unknown name adds a container), so for a method that adds env or volume mounts the namespace
 * Component sets only the pod-level fields. Say so at each workload it leaves short, with the
 * paths that see the containers.
 */
function warnContainerAdditions(model: Model, diag: Diagnostics): void {
  for (const b of model.bindings) {
    if (b.certManager || b.workloads.length === 0) continue;
    if (!containerAdditions(b.identity.method.podTemplate(b, { model }))) continue;
    for (const w of b.workloads) {
      diag.warn(
        w.path,
        `${b.identity.method.key} adds env and volume mounts to every container, which the kustomize Component cannot do without the containers' names (it sets the ServiceAccount, pod metadata and volumes only): patch ${w.kind} ${w.name} with \`wi-gen fn\`, the kustomize transformer (\`wi-gen plugin\`) or cdk8s \`bind()\`, which see its containers`,
      );
    }
  }
}

function unknownIdentity(name: string, identities: Map<string, Identity>): string {
  const known = [...identities.keys()];
  return `no identity named "${name}"${known.length ? ` (defined: ${known.join(', ')})` : ''}`;
}

function resolveCertManager(
  spec: Spec,
  identities: Map<string, Identity>,
  diag: Diagnostics,
  claim: (namespace: string, name: string, path: (string | number)[]) => boolean,
): CertManagerModel | undefined {
  const cm = spec.certManager as NonNullable<Spec['certManager']>;
  const base = ['certManager'];
  const defaultIdentity = cm.identity ? identities.get(cm.identity) : undefined;
  if (cm.identity && !defaultIdentity) diag.error([...base, 'identity'], unknownIdentity(cm.identity, identities));

  const issuers: IssuerModel[] = [];
  const names = new Set<string>();
  cm.issuers.forEach((raw, index) => {
    const path = [...base, 'issuers', index];
    const identityName = raw.identity ?? cm.identity;
    const identity = raw.identity ? identities.get(raw.identity) : defaultIdentity;
    if (!identityName) {
      diag.error([...path, 'identity'], 'is required when certManager.identity is not set');
      return;
    }
    if (!identity) {
      if (raw.identity) diag.error([...path, 'identity'], unknownIdentity(raw.identity, identities));
      return;
    }
    if (raw.kind === 'Issuer' && !raw.namespace) {
      diag.error([...path, 'namespace'], 'a namespaced Issuer needs a namespace');
      return;
    }
    if (raw.kind === 'ClusterIssuer' && raw.namespace) {
      diag.error([...path, 'namespace'], 'a ClusterIssuer is cluster-scoped; remove namespace or use kind: Issuer');
      return;
    }
    const key = `${raw.kind}/${raw.namespace ?? ''}/${raw.name}`;
    if (names.has(key)) diag.error([...path, 'name'], `${raw.kind} ${raw.namespace ? `${raw.namespace}/` : ''}${raw.name} is defined twice`);
    names.add(key);

    const method = identity.method;
    const provider = dns01Provider(raw.dns01);
    if (!method.dnsProvider || !method.dns01Solver) {
      diag.error([...path, 'identity'], `identity "${identity.name}" uses ${method.key}, which cannot authenticate a DNS-01 solver`);
      return;
    }
    if (provider !== method.dnsProvider) {
      diag.error(
        [...path, 'dns01', provider ?? ''].filter((p) => p !== ''),
        `identity "${identity.name}" (${method.key}) authenticates ${method.dnsProvider}; this solver uses ${provider}`,
      );
      return;
    }
    if (method.ambient(identity) && raw.kind === 'Issuer' && !cm.issuerAmbientCredentials) {
      diag.error(
        [...path, 'kind'],
        `a namespaced Issuer with identity "${identity.name}" relies on cert-manager's own (ambient) credentials, which cert-manager disables for Issuers by default; use kind: ClusterIssuer, or set certManager.issuerAmbientCredentials: true to pass --issuer-ambient-credentials=true (every tenant that can create an Issuer can then use this identity)`,
      );
      return;
    }
    issuers.push({
      name: raw.name,
      kind: raw.kind,
      ...(raw.namespace ? { namespace: raw.namespace } : {}),
      identity,
      acme: {
        server: Object.hasOwn(ACME_SERVERS, raw.acme.server) ? (ACME_SERVERS[raw.acme.server] as string) : raw.acme.server,
        ...(raw.acme.email ? { email: raw.acme.email } : {}),
        privateKeySecretName: raw.acme.privateKeySecretName ?? `${raw.name}-account-key`,
      },
      zones: raw.dns01.zones ?? [],
      dns01: raw.dns01,
      resourceNamespace: raw.kind === 'Issuer' ? (raw.namespace as string) : cm.namespace,
      path,
    });
  });

  // cert-manager's ServiceAccount carries the identity of every ambient issuer: there can be one.
  const ambient = [...new Set(issuers.filter((i) => i.identity.method.ambient(i.identity)).map((i) => i.identity))];
  if (ambient.length > 1) {
    diag.error(
      [...base, 'issuers'],
      `issuers use ${ambient.length} ambient identities (${ambient.map((i) => i.name).join(', ')}); cert-manager's ServiceAccount can carry one`,
    );
  }
  const ambientIdentity = ambient[0] ?? (defaultIdentity && defaultIdentity.method.ambient(defaultIdentity) ? defaultIdentity : undefined);
  let binding: ServiceAccountBinding | undefined;
  if (ambientIdentity && ambientIdentity.method.bindsCertManagerServiceAccount(ambientIdentity)) {
    const path = [...base, 'serviceAccount'];
    if (claim(cm.namespace, cm.serviceAccount, path)) {
      binding = {
        identity: ambientIdentity,
        namespace: cm.namespace,
        name: cm.serviceAccount,
        create: false,
        automountToken: true,
        workloads: [],
        certManager: true,
        path,
      };
    }
  }
  for (const issuer of issuers) {
    if (issuer.kind === 'Issuer' && issuer.identity.method.ambient(issuer.identity)) {
      diag.warn(
        issuer.path,
        `Issuer ${issuer.namespace}/${issuer.name} uses cert-manager's own identity through --issuer-ambient-credentials=true; any tenant that can create an Issuer can now use identity "${issuer.identity.name}"`,
      );
    }
  }
  if (cm.issuerAmbientCredentials && !issuers.some((i) => i.kind === 'Issuer' && i.identity.method.ambient(i.identity))) {
    diag.warn([...base, 'issuerAmbientCredentials'], 'no namespaced Issuer uses an ambient identity; the flag only widens access');
  }
  return {
    namespace: cm.namespace,
    serviceAccount: cm.serviceAccount,
    deployment: cm.deployment,
    container: cm.container,
    install: cm.install,
    issuerAmbientCredentials: cm.issuerAmbientCredentials,
    issuers,
    ...(binding ? { binding } : {}),
    path: base,
  };
}
