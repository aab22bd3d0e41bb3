/**
 * The one stderr line `wi-gen SPEC` prints when its stream (the objects wi-gen owns, for
 * `kubectl apply -f -`) leaves out parts of the binding that only `-o DIR` writes: without it, a
 * Helm install applies the Issuers alone and the identity wiring never reaches the cluster.
 */
import { dirname, join } from 'node:path';

/** Parts of the tree the stream leaves out, in the order the note names them. */
const PARTS: readonly [prefix: string, name: string][] = [
  ['helm/', 'the cert-manager Helm values'],
  ['kustomize/cert-manager/', 'the cert-manager kustomize Component'],
  ['kustomize/namespaces/', 'the Components that put workloads on their ServiceAccounts'],
  ['cloud/', 'the cloud side (scripts and Terraform)'],
];

/** What a tree path (or part prefix, see streamLeavesOut) is, for the note; undefined for files the stream already holds or that only describe it. */
function partOf(path: string): string | undefined {
  // The grant record is bookkeeping about the cloud side, which the note already names.
  if (path.startsWith('manifests/') || path === 'README.md' || path === '.wi-gen-grants.json') return undefined;
  return PARTS.find(([prefix]) => path.startsWith(prefix))?.[1] ?? path;
}

const rank = (part: string) => {
  const i = PARTS.findIndex(([, name]) => name === part);
  return i < 0 ? PARTS.length : i;
};

/** The note for `spec`, run again as `command`, or undefined when the stream holds the whole binding. */
export function streamNote(spec: string, paths: readonly string[], command = 'wi-gen'): string | undefined {
  const parts = [...new Set(paths.map((p) => partOf(p)).filter((p): p is string => p !== undefined))].sort((a, b) => rank(a) - rank(b));
  if (parts.length === 0) return undefined;
  const out = spec === '-' ? 'out' : join(dirname(spec), 'out');
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `wi-gen: this stream holds only the Kubernetes objects wi-gen owns; ${list} are written by: ${command} ${spec} -o ${out} (--quiet hides this note)`;
}
