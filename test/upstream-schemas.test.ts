// The test-side validators in test/support/upstream.ts work, and they are strict (design §5).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  goRegExp,
  hasSchemaFor,
  knownKinds,
  validateHelmValues,
  validateObject,
} from './support/upstream.js';

const clone = <T>(x: T): T => structuredClone(x);

const valid = (obj: unknown): void => {
  const errors = validateObject(obj);
  assert.equal(errors, [], errors.join('\n'));
};

const invalid = (obj: unknown, ...expected: RegExp[]): string[] => {
  const errors = validateObject(obj);
  assert.ok(errors.length > 0, 'expected validation errors, got none');
  for (const re of expected) {
    assert.ok(errors.some((e) => re.test(e)), `no error matches ${re}:\n${errors.join('\n')}`);
  }
  return errors;
};

// ---------------------------------------------------------------------------------- cert-manager

const cloudDnsIssuer = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'ClusterIssuer',
  metadata: { name: 'letsencrypt-gke', labels: { 'app.kubernetes.io/managed-by': 'wi-gen' } },
  spec: {
    acme: {
      server: 'https://acme-v02.api.letsencrypt.org/directory',
      email: 'ops@example.com',
      privateKeySecretRef: { name: 'letsencrypt-gke-account-key' },
      solvers: [
        {
          selector: { dnsZones: ['example.com'] },
          dns01: { cloudDNS: { project: 'my-project' } },
        },
      ],
    },
  },
};

test('ClusterIssuer acme + dns01.cloudDNS is valid', () => {
  valid(cloudDnsIssuer);
});

test('ClusterIssuer with a misspelt field (dns01.cloudDns) is rejected', () => {
  const bad = clone(cloudDnsIssuer) as any;
  bad.spec.acme.solvers[0].dns01 = { cloudDns: { project: 'my-project' } };
  invalid(bad, /\.spec\.acme\.solvers\[0\]\.dns01: unknown field "cloudDns"/);
});

test('strictness reaches every level: root, spec, metadata', () => {
  invalid({ ...clone(cloudDnsIssuer), data: {} }, /\(root\): unknown field "data"/);
  const badSpec = clone(cloudDnsIssuer) as any;
  badSpec.spec.acme.privateKeySecretRef.nmae = 'x';
  invalid(badSpec, /privateKeySecretRef: unknown field "nmae"/);
  const badMeta = clone(cloudDnsIssuer) as any;
  badMeta.metadata.label = { a: 'b' };
  invalid(badMeta, /\.metadata: unknown field "label"/);
  const badLabel = clone(cloudDnsIssuer) as any;
  badLabel.metadata.labels['x'] = 'has spaces';
  invalid(badLabel, /\.metadata\.labels\.x: "has spaces" does not match/);
  const noName = clone(cloudDnsIssuer) as any;
  delete noName.metadata.name;
  invalid(noName, /\.metadata: missing required field "name"/);
});

test('ClusterIssuer is cluster-scoped: a namespace is an error', () => {
  const bad = clone(cloudDnsIssuer) as any;
  bad.metadata.namespace = 'cert-manager';
  invalid(bad, /cluster-scoped/);
  // ...while an Issuer (namespaced) accepts one
  valid({ ...clone(cloudDnsIssuer), kind: 'Issuer', metadata: { name: 'x', namespace: 'cert-manager' } });
});

const azureDnsIssuer = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'ClusterIssuer',
  metadata: { name: 'letsencrypt-aks' },
  spec: {
    acme: {
      server: 'https://acme-v02.api.letsencrypt.org/directory',
      privateKeySecretRef: { name: 'letsencrypt-aks-account-key' },
      solvers: [
        {
          dns01: {
            azureDNS: {
              subscriptionID: '00000000-0000-0000-0000-000000000000',
              resourceGroupName: 'dns-rg',
              hostedZoneName: 'example.com',
              environment: 'AzurePublicCloud',
              managedIdentity: { clientID: '11111111-1111-1111-1111-111111111111' },
            },
          },
        },
      ],
    },
  },
};

test('ClusterIssuer dns01.azureDNS with environment AzurePublicCloud is valid', () => {
  valid(azureDnsIssuer);
});

test('azureDNS: enum and required fields are enforced', () => {
  const badEnv = clone(azureDnsIssuer) as any;
  badEnv.spec.acme.solvers[0].dns01.azureDNS.environment = 'AzureCloud';
  invalid(badEnv, /environment: must be one of "AzurePublicCloud"/);
  const noRg = clone(azureDnsIssuer) as any;
  delete noRg.spec.acme.solvers[0].dns01.azureDNS.resourceGroupName;
  invalid(noRg, /azureDNS: missing required field "resourceGroupName"/);
});

test('x-kubernetes-int-or-string and x-kubernetes-list-map-keys', () => {
  const withPod = (resources: unknown, tolerations?: unknown): unknown => {
    const o = clone(cloudDnsIssuer) as any;
    o.spec.acme.solvers[0] = {
      http01: {
        gatewayHTTPRoute: {
          podTemplate: { spec: { resources: { limits: resources } } },
        },
      },
    };
    if (tolerations) o.spec.acme.solvers[0].http01.gatewayHTTPRoute.podTemplate.spec.tolerations = tolerations;
    return o;
  };
  valid(withPod({ cpu: 1, memory: '64Mi' }));
  invalid(withPod({ cpu: 'lots' }), /limits\.cpu: "lots" does not match pattern/);
  invalid(withPod({ cpu: true }), /limits\.cpu: must be integer, got true/, /limits\.cpu: must be string, got true/);
  // imagePullSecrets is a list-map keyed by name
  const dup = withPod({ cpu: 1 }) as any;
  dup.spec.acme.solvers[0].http01.gatewayHTTPRoute.podTemplate.spec.imagePullSecrets = [{ name: 'a' }, { name: 'a' }];
  invalid(dup, /imagePullSecrets: items 0 and 1 have the same key/);
});

test('x-kubernetes-preserve-unknown-fields stays open (dns01.webhook.config), its siblings do not', () => {
  const o = clone(cloudDnsIssuer) as any;
  o.spec.acme.solvers[0].dns01 = {
    webhook: { groupName: 'acme.example.com', solverName: 'x', config: { anything: { nested: [1, 'two'] } } },
  };
  valid(o);
  o.spec.acme.solvers[0].dns01.webhook.configs = {};
  invalid(o, /webhook: unknown field "configs"/);
});

// ---------------------------------------------------------------------------------- Vault Secrets Operator

const vds = {
  apiVersion: 'secrets.hashicorp.com/v1beta1',
  kind: 'VaultDynamicSecret',
  metadata: { name: 'db-creds', namespace: 'app' },
  spec: {
    mount: 'database',
    path: 'creds/app',
    destination: { name: 'db-creds', create: true },
  },
};

test('VaultDynamicSecret minimal object is valid', () => {
  valid(vds);
});

test('VaultDynamicSecret with an unknown spec field is rejected', () => {
  invalid({ ...vds, spec: { ...vds.spec, vaultAuth: 'default' } }, /\.spec: unknown field "vaultAuth"/);
  invalid({ ...vds, spec: { ...vds.spec, refreshAfter: '30 s' } }, /refreshAfter: "30 s" does not match/);
  valid({ ...vds, spec: { ...vds.spec, refreshAfter: '30s', vaultAuthRef: 'default' } });
  // metadata.name must be a DNS subdomain
  invalid({ ...vds, metadata: { name: 'DB_creds' } }, /\.metadata\.name: "DB_creds" does not match/);
});

// ---------------------------------------------------------------------------------- Azure Service Operator

const armScope = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dns-rg';
const roleAssignment = {
  apiVersion: 'authorization.azure.com/v1api20220401',
  kind: 'RoleAssignment',
  metadata: { name: 'cert-manager-dns-contributor', namespace: 'azure-resources' },
  spec: {
    owner: {
      armId: `${armScope}/providers/Microsoft.Network/dnsZones/example.com`,
    },
    principalId: '22222222-2222-2222-2222-222222222222',
    principalType: 'ServicePrincipal',
    roleDefinitionReference: {
      armId: '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/befefa01-2a29-4197-83a8-272ff33ce314',
    },
  },
};

test('ASO RoleAssignment v1api20220401 with owner.armId is valid', () => {
  valid(roleAssignment);
});

test('ASO armId uses a Go (?i) pattern: case-insensitive, and still enforced', () => {
  // "resourceGroups" (camel case, as Azure prints it) only matches because of (?i): the pattern says "resourcegroups"
  const armIdPattern =
    '(?i)(^(/subscriptions/([^/]+)(/resourcegroups/([^/]+))?)?/providers/([^/]+)/([^/]+/[^/]+)(/([^/]+/[^/]+))*$|^/subscriptions/([^/]+)(/resourcegroups/([^/]+))?$)';
  assert.not.ok(new RegExp(armIdPattern.slice('(?i)'.length), 'u').test(roleAssignment.spec.owner.armId));
  assert.ok(goRegExp(armIdPattern, 'u').test(roleAssignment.spec.owner.armId));
  valid(roleAssignment);
  const upper = clone(roleAssignment) as any;
  upper.spec.owner.armId = upper.spec.owner.armId.toUpperCase();
  valid(upper);
  const bad = clone(roleAssignment) as any;
  bad.spec.owner.armId = 'subscriptions/x/resourceGroups/y';
  invalid(bad, /\.spec\.owner\.armId: "subscriptions\/x\/resourceGroups\/y" does not match pattern "\(\?i\)/);
  // wellKnownName is not in this (older) schema: the API server would prune it
  const wk = clone(roleAssignment) as any;
  wk.spec.roleDefinitionReference = { wellKnownName: 'DNS Zone Contributor' };
  invalid(wk, /roleDefinitionReference: unknown field "wellKnownName"/);
});

test('goRegExp translates the leading (?i) and refuses what it cannot translate', () => {
  const rx = goRegExp('(?i)^/subscriptions/[^/]+$', 'u');
  assert.equal(rx.flags, 'iu');
  assert.ok(rx.test('/SUBSCRIPTIONS/abc'));
  assert.equal(goRegExp('(?P<x>a)\\z').source, '(?<x>a)$');
  assert.equal(goRegExp('\\pL+').source, '\\p{L}+');
  assert.throws(() => goRegExp('a(?i)b'), /mid-pattern/);
  assert.throws(() => goRegExp('[[:alpha:]]'), /POSIX/);
  assert.throws(() => goRegExp('(?U)a+'), /no JS equivalent/);
});

test('ASO FederatedIdentityCredential v1api20230131: required audiences', () => {
  const fic = {
    apiVersion: 'managedidentity.azure.com/v1api20230131',
    kind: 'FederatedIdentityCredential',
    metadata: { name: 'cert-manager', namespace: 'azure-resources' },
    spec: {
      owner: { name: 'cert-manager-identity' },
      audiences: ['api://AzureADTokenExchange'],
      issuer: 'https://oidc.example.com/',
      subject: 'system:serviceaccount:cert-manager:cert-manager',
    },
  };
  valid(fic);
  const { audiences: _a, ...spec } = fic.spec;
  invalid({ ...fic, spec }, /missing required field "audiences"/);
});

// ---------------------------------------------------------------------------------- AAD Pod Identity

const azureIdentity = {
  apiVersion: 'aadpodidentity.k8s.io/v1',
  kind: 'AzureIdentity',
  metadata: { name: 'cert-manager', namespace: 'cert-manager' },
  spec: {
    type: 0,
    resourceID: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cert-manager',
    clientID: '11111111-1111-1111-1111-111111111111',
  },
};

test('AzureIdentity (aadpodidentity.k8s.io/v1) is valid', () => {
  valid(azureIdentity);
});

test('AzureIdentity: nullable fields take null, others do not; type is an integer', () => {
  valid({ ...azureIdentity, spec: { ...azureIdentity.spec, replicas: null, auxiliaryTenantIDs: null } });
  invalid({ ...azureIdentity, spec: { ...azureIdentity.spec, clientID: null } }, /clientID: must be string/);
  invalid({ ...azureIdentity, spec: { ...azureIdentity.spec, type: '0' } }, /\.spec\.type: must be integer/);
  invalid({ ...azureIdentity, spec: { ...azureIdentity.spec, ClientID: 'x' } }, /unknown field "ClientID"/);
});

// ---------------------------------------------------------------------------------- Config Connector

const policyMember = {
  apiVersion: 'iam.cnrm.cloud.google.com/v1beta1',
  kind: 'IAMPolicyMember',
  metadata: { name: 'cert-manager-dns-admin', namespace: 'config-connector' },
  spec: {
    member: 'serviceAccount:my-project.svc.id.goog[cert-manager/cert-manager]',
    role: 'roles/dns.admin',
    resourceRef: { kind: 'Project', external: 'projects/my-project' },
  },
};

test('Config Connector IAMPolicyMember is valid', () => {
  valid(policyMember);
  valid({
    ...policyMember,
    spec: {
      memberFrom: { serviceAccountRef: { name: 'cert-manager' } },
      role: 'projects/my-project/roles/custom.dnsSolver',
      resourceRef: { kind: 'Project', name: 'my-project' },
    },
  });
});

test('IAMPolicyMember: oneOf and patterns are enforced', () => {
  invalid(
    { ...policyMember, spec: { ...policyMember.spec, memberFrom: { serviceAccountRef: { name: 'x' } } } },
    /\.spec: must match exactly one alternative of \{member\} \| \{memberFrom\}; matches 2/,
  );
  invalid({ ...policyMember, spec: { ...policyMember.spec, role: 'dns.admin' } }, /\.spec\.role: "dns\.admin" does not match/);
  invalid({ ...policyMember, spec: { ...policyMember.spec, resourceRef: { kind: 'Project', name: 'p', external: 'projects/p' } } });
});

// ---------------------------------------------------------------------------------- kinds without a CRD

test('core kinds have no schema here: hasSchemaFor is false and validateObject says so', () => {
  assert.not.ok(hasSchemaFor('v1', 'ServiceAccount'));
  assert.not.ok(hasSchemaFor('rbac.authorization.k8s.io/v1', 'Role'));
  assert.ok(hasSchemaFor('cert-manager.io/v1', 'ClusterIssuer'));
  assert.not.ok(hasSchemaFor('cert-manager.io/v1alpha2', 'ClusterIssuer'));
  const errors = validateObject({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x' } });
  assert.is(errors.length, 1);
  assert.match(errors[0]!, /no schema known for apiVersion v1 kind ServiceAccount/);
  assert.match(validateObject({ ...cloudDnsIssuer, apiVersion: 'cert-manager.io/v1beta1' })[0]!, /known versions: v1/);
});

test('every upstream CRD version compiles, and the index covers all upstream kinds', () => {
  const kinds = knownKinds();
  for (const gvk of [
    'aadpodidentity.k8s.io/v1/AzureIdentityBinding',
    'authorization.azure.com/v1api20220401/RoleAssignment',
    'cert-manager.io/v1/Issuer',
    'iam.cnrm.cloud.google.com/v1beta1/IAMServiceAccount',
    'managedidentity.azure.com/v1api20230131/UserAssignedIdentity',
    'secrets.hashicorp.com/v1beta1/VaultAuth',
  ]) {
    assert.ok(kinds.includes(gvk), gvk);
  }
  for (const gvk of kinds) {
    const parts = gvk.split('/');
    const kind = parts.pop()!;
    // compiling happens on first use; an empty object only has to produce errors, not throw
    const errors = validateObject({ apiVersion: parts.join('/'), kind, metadata: { name: 'x' } });
    assert.ok(Array.isArray(errors), gvk);
  }
});

// ---------------------------------------------------------------------------------- Helm values

test('Helm values: serviceAccount.annotations and podLabels are valid', () => {
  const errors = validateHelmValues({
    serviceAccount: { annotations: { a: 'b' } },
    podLabels: { 'azure.workload.identity/use': 'true' },
  });
  assert.equal(errors, []);
});

test('Helm values: a misspelt top-level key is rejected', () => {
  const errors = validateHelmValues({ serviceAcount: {} });
  assert.ok(errors.some((e) => /unknown field "serviceAcount"/.test(e)), errors.join('\n'));
});

test('Helm values: extraArgs and nested strictness', () => {
  assert.equal(validateHelmValues({ extraArgs: ['--issuer-ambient-credentials=true'] }), []);
  assert.ok(validateHelmValues({ extraArgs: '--issuer-ambient-credentials=true' }).length > 0);
  assert.ok(
    validateHelmValues({ serviceAccount: { annotation: {} } }).some((e) => /\.serviceAccount: unknown field "annotation"/.test(e)),
  );
});

test.run();
