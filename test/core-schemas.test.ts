// The test-side validator for built-in Kubernetes kinds (test/support/core-schemas.ts) works and is strict.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasCoreSchemaFor, validateCoreObject, validateKubernetesObject } from './support/core-schemas.js';

const clone = <T>(x: T): T => structuredClone(x);

const valid = (obj: unknown, validate = validateCoreObject): void => {
  const errors = validate(obj);
  assert.equal(errors, [], errors.join('\n'));
};

const invalid = (obj: unknown, ...expected: RegExp[]): string[] => {
  const errors = validateCoreObject(obj);
  assert.ok(errors.length > 0, 'expected validation errors, got none');
  for (const re of expected) {
    assert.ok(errors.some((e) => re.test(e)), `no error matches ${re}:\n${errors.join('\n')}`);
  }
  return errors;
};

// ---------------------------------------------------------------------------------- ServiceAccount

const serviceAccount = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: {
    name: 'app',
    namespace: 'team-a',
    labels: { 'app.kubernetes.io/managed-by': 'wi-gen' },
    annotations: { 'iam.gke.io/gcp-service-account': 'app@my-project.iam.gserviceaccount.com' },
  },
  automountServiceAccountToken: false,
};

test('ServiceAccount with labels, annotations and automountServiceAccountToken: false is valid', () => {
  valid(serviceAccount);
});

test('ServiceAccount with a misspelt top-level field is rejected, with its path', () => {
  const { automountServiceAccountToken: _, ...rest } = serviceAccount;
  const errors = invalid(
    { ...rest, automountServiceAccountTokn: false },
    /^ServiceAccount\/app \.automountServiceAccountTokn: unknown field/,
  );
  assert.is(errors.length, 1, errors.join('\n'));
});

test('ServiceAccount with a boolean label value is rejected', () => {
  const bad = clone(serviceAccount) as any;
  bad.metadata.labels.enabled = true;
  invalid(bad, /\.metadata\.labels\.enabled: must be string, got true/);
});

test('unknown fields are found at every level, metadata included', () => {
  const bad = clone(serviceAccount) as any;
  bad.metadata.label = { a: 'b' };
  bad.imagePullSecrets = [{ name: 'x', nmae: 'y' }];
  invalid(bad, /\.metadata\.label: unknown field/, /\.imagePullSecrets\[0\]\.nmae: unknown field/);
});

test('ObjectMeta rules: name required, label syntax', () => {
  const noName = clone(serviceAccount) as any;
  delete noName.metadata.name;
  invalid(noName, /\.metadata: missing required field "name"/);
  const badLabel = clone(serviceAccount) as any;
  badLabel.metadata.labels.x = 'has spaces';
  invalid(badLabel, /\.metadata\.labels\.x: "has spaces" is not a valid label value/);
  const badKey = clone(serviceAccount) as any;
  badKey.metadata.annotations['-bad'] = 'v';
  invalid(badKey, /\.metadata\.annotations\["-bad"\]: invalid key/);
});

test('free-form objects (FieldsV1) are not checked for unknown fields', () => {
  const sa = clone(serviceAccount) as any;
  sa.metadata.managedFields = [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }];
  valid(sa);
});

// ---------------------------------------------------------------------------------- RBAC

const role = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: 'token-creator', namespace: 'team-a' },
  rules: [{ apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['x'], verbs: ['create'] }],
};

test('Role with a serviceaccounts/token rule is valid', () => {
  valid(role);
});

test('Role with a misspelt rule field (resourceName) is rejected', () => {
  const bad = clone(role) as any;
  bad.rules[0].resourceName = bad.rules[0].resourceNames;
  delete bad.rules[0].resourceNames;
  invalid(bad, /^Role\/token-creator \.rules\[0\]\.resourceName: unknown field/);
});

test('Role rule without verbs is rejected (required)', () => {
  const bad = clone(role) as any;
  delete bad.rules[0].verbs;
  invalid(bad, /\.rules\[0\]: missing required field "verbs"/);
});

const roleBinding = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'token-creator', namespace: 'team-a' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'token-creator' },
  subjects: [{ kind: 'ServiceAccount', name: 'app', namespace: 'team-a' }],
};

test('RoleBinding with ServiceAccount subjects is valid', () => {
  valid(roleBinding);
});

test('RoleBinding without roleRef is rejected', () => {
  const { roleRef: _, ...bad } = roleBinding;
  invalid(bad, /\(root\): missing required field "roleRef"/);
});

// ---------------------------------------------------------------------------------- workloads

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app', namespace: 'team-a', labels: { app: 'app' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'app' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: 'app', 'azure.workload.identity/use': 'true' } },
      spec: {
        serviceAccountName: 'app',
        nodeSelector: { 'iam.gke.io/gke-metadata-server-enabled': 'true' },
        hostIPC: false,
        containers: [
          {
            name: 'app',
            image: 'example.com/app:1.0',
            args: ['--port', '8080'],
            ports: [{ name: 'http', containerPort: 8080 }],
            env: [{ name: 'A', value: 'b' }],
            resources: { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: 0.05 } },
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
            livenessProbe: { tcpSocket: { port: 8080 } },
            volumeMounts: [{ name: 'token', mountPath: '/var/run/secrets/tokens', readOnly: true }],
          },
        ],
        volumes: [
          {
            name: 'token',
            projected: {
              sources: [{ serviceAccountToken: { path: 'token', audience: 'sts.amazonaws.com', expirationSeconds: 3600 } }],
            },
          },
        ],
      },
    },
  },
};

test('full Deployment (template labels, nodeSelector, quantities, probes, projected token) is valid', () => {
  valid(deployment);
});

test('Deployment with spec.template.spec.serviceAcountName is rejected', () => {
  const bad = clone(deployment) as any;
  bad.spec.template.spec.serviceAcountName = bad.spec.template.spec.serviceAccountName;
  delete bad.spec.template.spec.serviceAccountName;
  const errors = invalid(bad, /^Deployment\/app \.spec\.template\.spec\.serviceAcountName: unknown field/);
  assert.is(errors.length, 1, errors.join('\n'));
});

test('Deployment: deep unknown fields and bad types are found', () => {
  const bad = clone(deployment) as any;
  bad.spec.template.spec.containers[0].resources.limit = { cpu: '1' };
  bad.spec.template.spec.containers[0].readinessProbe.httpGet.prot = 80;
  bad.spec.template.spec.containers[0].resources.limits.cpu = true;
  bad.spec.template.spec.containers[0].resources.limits.memory = '64 Mi';
  bad.spec.replicas = '2';
  invalid(
    bad,
    /\.spec\.template\.spec\.containers\[0\]\.resources\.limit: unknown field/,
    /\.readinessProbe\.httpGet\.prot: unknown field/,
    /\.resources\.limits\.cpu: must be number or string, got true/,
    /\.resources\.limits\.memory: "64 Mi" is not a valid quantity/,
    /\.spec\.replicas: must be integer, got "2"/,
  );
});

test('template metadata labels are checked too', () => {
  const bad = clone(deployment) as any;
  bad.spec.template.metadata.labels.app = 'not valid!';
  invalid(bad, /\.spec\.template\.metadata\.labels\.app: "not valid!" is not a valid label value/);
});

const cronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'rotate', namespace: 'team-a' },
  spec: {
    schedule: '0 * * * *',
    jobTemplate: {
      spec: {
        backoffLimit: 2,
        template: {
          spec: {
            serviceAccountName: 'app',
            restartPolicy: 'OnFailure',
            containers: [{ name: 'rotate', image: 'example.com/rotate:1.0' }],
          },
        },
      },
    },
  },
};

test('CronJob with jobTemplate.spec.template.spec.serviceAccountName is valid', () => {
  valid(cronJob);
  const bad = clone(cronJob) as any;
  bad.spec.jobTemplate.spec.template.spec.serviceAccount_name = 'app';
  invalid(bad, /\.spec\.jobTemplate\.spec\.template\.spec\.serviceAccount_name: unknown field/);
});

test('other built-in kinds resolve generically from apiVersion and kind', () => {
  for (const [apiVersion, kind] of [
    ['v1', 'Secret'], ['v1', 'ConfigMap'], ['v1', 'Namespace'], ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'], ['apps/v1', 'StatefulSet'], ['apps/v1', 'DaemonSet'],
    ['batch/v1', 'Job'],
  ] as const) {
    assert.ok(hasCoreSchemaFor(apiVersion, kind), `${apiVersion} ${kind}`);
  }
  assert.not.ok(hasCoreSchemaFor('v1', 'PodSpec'), 'nested types are not kinds');
  assert.not.ok(hasCoreSchemaFor('apps/v1', 'ServiceAccount'), 'wrong group');
  assert.not.ok(hasCoreSchemaFor('v1', '../index'), 'not a Kind name');
  valid({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'a.json': '{}' } });
  invalid({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringdata: { a: 'b' } }, /\.stringdata: unknown field/);
  invalid({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'not base64!' } }, /\.data\.a: "not base64!" is not a valid byte/);
});

// ---------------------------------------------------------------------------------- dispatch

test('validateKubernetesObject routes CRD kinds to validateObject and built-in kinds to validateCoreObject', () => {
  const issuer = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: 'letsencrypt-gke' },
    spec: {
      acme: {
        server: 'https://acme-v02.api.letsencrypt.org/directory',
        privateKeySecretRef: { name: 'letsencrypt-gke-account-key' },
        solvers: [{ dns01: { cloudDNS: { project: 'my-project' } } }],
      },
    },
  };
  valid(issuer, validateKubernetesObject);
  const bad = clone(issuer) as any;
  bad.spec.acme.solvers[0].dns01 = { cloudDns: { project: 'my-project' } };
  const errors = validateKubernetesObject(bad);
  // the CRD validator's wording, not this module's
  assert.ok(errors.some((e) => /dns01: unknown field "cloudDns" \(not in the CRD schema/.test(e)), errors.join('\n'));

  valid(deployment, validateKubernetesObject);
  assert.ok(validateKubernetesObject({ ...serviceAccount, automountServiceAccountTokn: true }).length > 0);
  assert.equal(validateKubernetesObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), [
    'no schema known for example.com/v1 Widget',
  ]);
});

test.run();
