// Spec shapes with many keys, for the parse-scaling benchmark and its fast test. Each `make(n)`
// returns spec text with n keys of that shape; `largestHalf` is the N whose 2N still fits 1 MiB.
const HEAD = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: analytics
  gke: {project: acme-analytics}
identities:
  - name: reporter
    gke: {serviceAccount: reporter@acme-analytics.iam.gserviceaccount.com}
bindings:
  - identity: reporter
    serviceAccount: {namespace: batch, name: reporter}
`;

const lines = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('');

export const scalingShapes = [
  // A valid spec: labels are free-form, so this one loads and renders.
  { name: 'labels (valid)', largestHalf: 30000, make: (n) => HEAD.replace('cluster:\n', `metadata:\n  name: x\n  labels:\n${lines(n, (i) => `    l${i}: v\n`)}cluster:\n`) },
  // One "unknown key" problem per key: the problem positions were found by a scan per problem.
  { name: 'unknown top-level keys', largestHalf: 40000, make: (n) => HEAD + lines(n, (i) => `k${i}: v\n`) },
  // Every key twice: one "duplicate key" problem per pair; the parser compared each key with every earlier one.
  { name: 'duplicate keys', largestHalf: 30000, make: (n) => HEAD.replace('cluster:\n', `metadata:\n  name: x\n  labels:\n${lines(n, (i) => `    d${i >> 1}: v\n`)}cluster:\n`) },
];
