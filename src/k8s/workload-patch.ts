/**
 * Puts bound workloads on their ServiceAccount, in place, on `yaml` document nodes: the KRM
 * function (`wi-gen fn`) and the kustomize exec transformer (`wi-gen plugin`) both patch the
 * user's own objects with it. Nodes are edited, never rebuilt, so comments, key order and flow
 * style of everything else stay as the user wrote them, and patching twice changes nothing.
 *
 * Each transformation is one small function over one node (in the manner of kustomize's
 * api/filters): `podTemplatePath`, `setServiceAccountName`, `mergeStringMap`, `mergeKeyedList`, then
 * `patchWorkload` composing them and `patchBoundWorkloads` matching bindings to items.
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Model, ServiceAccountBinding, WorkloadKind } from '../model/model.js';
import type { SpecPath } from '../model/diagnostics.js';
import { kubeVolume, kubeVolumeMount, type PodTemplatePatch } from '../model/method.js';

/** Where the pod template of a workload kind sits; a CronJob's is one level deeper, under its Job template. */
function podTemplatePath(kind: WorkloadKind): readonly string[] {
  return kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
}

type FieldOutcome = { readonly changed: boolean } | { readonly conflict: string; readonly found: string };

const dotted = (path: readonly string[]) => path.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : `[${JSON.stringify(p)}]`)).join('.').replace(/\.\[/g, '[');

const scalarString = (node: unknown): string | undefined => (isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined);

/**
 * Sets `serviceAccountName` of the pod spec at `podSpecPath`. A different name already there was
 * written by hand (or by another tool): that is a conflict, reported with its path and left alone,
 * as is the deprecated `serviceAccount` alias when it names another account.
 */
export function setServiceAccountName(doc: Document, item: YAMLMap, podSpecPath: readonly string[], name: string): FieldOutcome {
  for (const field of ['serviceAccountName', 'serviceAccount']) {
    const path = [...podSpecPath, field];
    const current = scalarString(item.getIn(path, true));
    if (current !== undefined && current !== '' && current !== name) return { conflict: dotted(path), found: current };
  }
  const path = [...podSpecPath, 'serviceAccountName'];
  if (scalarString(item.getIn(path, true)) === name) return { changed: false };
  setIn(doc, item, path, name);
  return { changed: true };
}

/**
 * Merges string entries into the map at `path` (pod labels, annotations, nodeSelector), creating
 * it when absent. An entry with another value is overwritten: the method needs that value for the
 * binding to work (a `false` workload-identity label would leave the pod without a token).
 */
export function mergeStringMap(doc: Document, item: YAMLMap, path: readonly string[], entries: Readonly<Record<string, string>> | undefined): FieldOutcome {
  let changed = false;
  for (const [key, value] of Object.entries(entries ?? {})) {
    const at = [...path, key];
    if (scalarString(item.getIn(at, true)) === value) continue;
    setIn(doc, item, at, value);
    changed = true;
  }
  return { changed };
}

/** The map at `path` under `item`, created (block style) when absent. */
function mapAt(doc: Document, item: YAMLMap, path: readonly string[]): YAMLMap {
  let node: YAMLMap = item;
  for (const key of path) {
    const next = node.get(key, true) as Node | undefined;
    if (isMap(next)) {
      // An empty `{}` grows in block style; a flow map with entries keeps its style.
      if (next.items.length === 0) next.flow = false;
      node = next;
      continue;
    }
    const created = doc.createNode({}) as YAMLMap;
    node.set(doc.createNode(key), created);
    node = created;
  }
  return node;
}

/**
 * Merges entries into the list `field` of `parent` by their `key` field, as a strategic merge
 * would (volumes and env by `name`, volumeMounts by `mountPath`): an entry with that key and
 * other content is replaced (the method needs its value), a missing one appended, the list
 * created when absent. The user's other entries stay as written.
 */
function mergeKeyedList(doc: Document, parent: YAMLMap, field: string, key: string, entries: readonly Record<string, unknown>[]): FieldOutcome {
  if (entries.length === 0) return { changed: false };
  let list = parent.get(field, true) as Node | undefined;
  if (!isSeq(list)) {
    list = doc.createNode([]) as YAMLSeq;
    parent.set(doc.createNode(field), list);
  }
  const seq = list as YAMLSeq;
  if (seq.items.length === 0) seq.flow = false;
  let changed = false;
  for (const entry of entries) {
    const at = seq.items.findIndex((n) => isMap(n) && scalarString(n.get(key, true)) === entry[key]);
    const current = at >= 0 ? (seq.items[at] as YAMLMap).toJSON() : undefined;
    if (isDeepStrictEqual(current, entry)) continue;
    const node = doc.createNode(entry);
    if (at >= 0) seq.items[at] = node;
    else seq.items.push(node);
    changed = true;
  }
  return { changed };
}

/** Env and volume mounts into every container (init containers too: they may call the cloud before the app starts). */
function patchContainers(doc: Document, item: YAMLMap, podSpecPath: readonly string[], pod: PodTemplatePatch): FieldOutcome[] {
  const env = (pod.env ?? []).map((e) => ({ name: e.name, value: e.value }));
  const mounts = (pod.volumes ?? []).map(kubeVolumeMount);
  if (env.length === 0 && mounts.length === 0) return [];
  const outcomes: FieldOutcome[] = [];
  for (const field of ['initContainers', 'containers']) {
    const containers = item.getIn([...podSpecPath, field], true);
    if (!isSeq(containers)) continue;
    for (const container of containers.items) {
      if (!isMap(container)) continue;
      outcomes.push(mergeKeyedList(doc, container, 'env', 'name', env), mergeKeyedList(doc, container, 'volumeMounts', 'mountPath', mounts));
    }
  }
  return outcomes;
}

/** `setIn` that creates missing maps in block style and keeps string values strings ("true" stays quoted). */
function setIn(doc: Document, item: YAMLMap, path: readonly string[], value: string): void {
  const node = mapAt(doc, item, path.slice(0, -1));
  const key = path[path.length - 1] as string;
  const existing = node.get(key, true);
  if (isScalar(existing)) {
    // In place, so a comment on the line stays; the printer picks the quoting a string needs.
    existing.value = value;
    existing.type = undefined;
  } else {
    node.set(doc.createNode(key), doc.createNode(value));
  }
}

type WorkloadOutcome =
  | { readonly status: 'patched' }
  | { readonly status: 'already-correct' }
  | { readonly status: 'conflict'; readonly path: string; readonly found: string };

/**
 * Puts one workload item on `serviceAccountName` with the method's pod metadata. On a conflict
 * nothing of the item is changed.
 */
export function patchWorkload(doc: Document, item: YAMLMap, kind: WorkloadKind, serviceAccountName: string, pod: PodTemplatePatch): WorkloadOutcome {
  const template = podTemplatePath(kind);
  const podSpec = [...template, 'spec'];
  const sa = setServiceAccountName(doc, item, podSpec, serviceAccountName);
  if ('conflict' in sa) return { status: 'conflict', path: sa.conflict, found: sa.found };
  const changes = [
    sa,
    mergeStringMap(doc, item, [...template, 'metadata', 'labels'], pod.labels),
    mergeStringMap(doc, item, [...template, 'metadata', 'annotations'], pod.annotations),
    mergeStringMap(doc, item, [...podSpec, 'nodeSelector'], pod.nodeSelector),
    ...(pod.volumes?.length ? [mergeKeyedList(doc, mapAt(doc, item, podSpec), 'volumes', 'name', pod.volumes.map(kubeVolume))] : []),
    ...patchContainers(doc, item, podSpec, pod),
  ];
  return changes.some((c) => 'changed' in c && c.changed) ? { status: 'patched' } : { status: 'already-correct' };
}

/** One item of a ResourceList or kustomize stream: its node and the document it belongs to. */
interface Item {
  readonly doc: Document;
  readonly node: YAMLMap;
}

export interface WorkloadResult {
  readonly binding: ServiceAccountBinding;
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly namespace: string;
  /** Where the spec binds the workload (`bindings[3].workloads[0]`). */
  readonly specPath: SpecPath;
  /** `not-found`: no item of that kind, name and namespace. */
  readonly outcome: WorkloadOutcome | { readonly status: 'not-found' };
  /** The item had no namespace and was taken to be in the binding's (kpt packages often leave it to a later step). */
  readonly assumedNamespace?: boolean;
  readonly item?: Item;
}

const stringAt = (node: YAMLMap, path: readonly string[]) => scalarString(node.getIn(path, true));

/**
 * Patches every bound workload present in `items`. An item matches on kind, name and namespace;
 * an item without a namespace matches the binding of that kind and name when no item names the
 * namespace explicitly, as long as only one binding's namespace claims it.
 */
export function patchBoundWorkloads(model: Model, items: readonly Item[]): WorkloadResult[] {
  const byKey = new Map<string, Item[]>();
  for (const item of items) {
    if (!isMap(item.node)) continue;
    const kind = stringAt(item.node, ['kind']);
    const name = stringAt(item.node, ['metadata', 'name']);
    if (!kind || !name) continue;
    const key = `${kind}|${stringAt(item.node, ['metadata', 'namespace']) ?? ''}|${name}`;
    byKey.set(key, [...(byKey.get(key) ?? []), item]);
  }
  const claims = new Map<string, number>();
  const bound = model.bindings.filter((b) => !b.certManager);
  for (const b of bound) for (const w of b.workloads) claims.set(`${w.kind}||${w.name}`, (claims.get(`${w.kind}||${w.name}`) ?? 0) + 1);

  const results: WorkloadResult[] = [];
  for (const b of bound) {
    const pod = b.identity.method.podTemplate(b, { model });
    for (const w of b.workloads) {
      const base = { binding: b, kind: w.kind, name: w.name, namespace: b.namespace, specPath: w.path };
      let matches = byKey.get(`${w.kind}|${b.namespace}|${w.name}`);
      let assumedNamespace = false;
      const bare = `${w.kind}||${w.name}`;
      if (!matches && byKey.has(bare) && claims.get(bare) === 1) {
        matches = byKey.get(bare);
        assumedNamespace = true;
      }
      if (!matches) {
        results.push({ ...base, outcome: { status: 'not-found' } });
        continue;
      }
      for (const item of matches) {
        const outcome = patchWorkload(item.doc, item.node, w.kind, b.name, pod);
        results.push({ ...base, outcome, item, ...(assumedNamespace ? { assumedNamespace } : {}) });
      }
    }
  }
  return results;
}

/** One line per result, for stderr and KRM result messages. */
export function describeWorkloadResult(r: WorkloadResult): string {
  const what = `${r.kind} ${r.namespace}/${r.name}`;
  const sa = `ServiceAccount ${r.binding.namespace}/${r.binding.name}`;
  const assumed = r.assumedNamespace ? ` (it names no namespace; taken to be ${r.namespace})` : '';
  switch (r.outcome.status) {
    case 'patched':
      return `${what}: put on ${sa}${assumed}`;
    case 'already-correct':
      return `${what}: already on ${sa}${assumed}`;
    case 'not-found':
      return `${what} is bound to ${sa} but is not among the resources: nothing runs as that ServiceAccount until it is added`;
    case 'conflict':
      return `${what}: ${r.outcome.path} is ${r.outcome.found}, set by hand, but the spec binds it to ${sa}; remove the field or change the binding`;
  }
}
