/**
 * `wi-gen fn`: the KRM function form (kpt `fn eval --exec` / `fn render --allow-exec`, standalone
 * `kustomize build --enable-alpha-plugins --enable-exec`). A ResourceList comes in on stdin with the
 * spec as its functionConfig; the same list goes out with the generated objects upserted by
 * apiVersion/kind/namespace/name, so rendering twice changes nothing. Existing items are passed
 * through as YAML nodes, comments included: kpt writes them back to the package files.
 *
 * @see https://github.com/kubernetes-sigs/kustomize/blob/master/cmd/config/docs/api-conventions/functions-spec.md
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLSeq } from 'yaml';
import type { Problem } from '../spec/load.js';
import { renderStream } from '../render.js';
import type { Model } from '../model/model.js';
import { formatPath } from '../model/diagnostics.js';
import { describeWorkloadResult, patchBoundWorkloads, type WorkloadResult } from '../k8s/workload-patch.js';
import { describeProblem, kptSourcePaths, loadConfig, type ConfigLoad } from './function-config.js';
import type { Io } from './io.js';

type Obj = Record<string, unknown>;

interface FunctionResult {
  readonly message: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly resourceRef?: { apiVersion: string; kind: string; name: string; namespace?: string };
  readonly field?: { path: string };
  readonly file?: { path: string };
}

const RESOURCE_LIST = { apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList' } as const;

/** Annotations kpt keeps on an item to know its file and order: kept when the item is replaced. */
const PLACEMENT_ANNOTATION = /^(config\.kubernetes\.io\/(path|index)|internal\.config\.kubernetes\.io\/|config\.k8s\.io\/id)/;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function metadataOf(o: Obj): Obj {
  return isObj(o['metadata']) ? o['metadata'] : {};
}

/** Identity of an object in a ResourceList; kpt and kustomize match items the same way. */
function objectKey(o: Obj): string {
  const m = metadataOf(o);
  return [o['apiVersion'], o['kind'], m['namespace'] ?? '', m['name'] ?? ''].map(String).join('|');
}

function placementAnnotations(o: Obj): Record<string, string> {
  const ann = metadataOf(o)['annotations'];
  if (!isObj(ann)) return {};
  return Object.fromEntries(Object.entries(ann).filter(([k, v]) => PLACEMENT_ANNOTATION.test(k) && typeof v === 'string')) as Record<string, string>;
}

/** A generated object that replaces `existing` in place, keeping the file kpt keeps it in. */
function replacing(generated: Obj, existing: Obj): Obj {
  const keep = placementAnnotations(existing);
  if (Object.keys(keep).length === 0) return generated;
  const meta = metadataOf(generated);
  const annotations = { ...(isObj(meta['annotations']) ? meta['annotations'] : {}), ...keep };
  return { ...generated, metadata: { ...meta, annotations } };
}

/**
 * Upserts `generated` into `items` (YAML nodes): an item with the same key is replaced where it
 * stands, others are appended in generation order, everything else is left as it was.
 */
function upsert(doc: Document, items: YAMLSeq, generated: readonly Obj[]): { added: number; updated: number } {
  const index = new Map<string, number>();
  items.items.forEach((node, i) => {
    const value = (node as Node).toJSON?.() as unknown;
    if (isObj(value)) index.set(objectKey(value), i);
  });
  let added = 0;
  let updated = 0;
  for (const obj of generated) {
    const at = index.get(objectKey(obj));
    if (at === undefined) {
      items.items.push(doc.createNode(obj));
      added++;
    } else {
      const existing = (items.items[at] as Node).toJSON() as Obj;
      items.items[at] = doc.createNode(replacing(obj, existing));
      updated++;
    }
  }
  return { added, updated };
}

/**
 * yaml prints an item's leading comment above its `- `, where kpt, which merges the comments of
 * the files it read back into a function's output, no longer recognises it and doubles it. On the
 * first key it prints as `- # comment`, where it was.
 */
function keepHeadComments(items: YAMLSeq): void {
  for (const item of items.items) {
    if (!isMap(item) || !item.commentBefore) continue;
    const first = item.items[0];
    if (!first || !isScalar(first.key)) continue;
    first.key.commentBefore = first.key.commentBefore ? `${item.commentBefore}\n${first.key.commentBefore}` : item.commentBefore;
    item.commentBefore = undefined;
  }
}

function resultsFor(problems: readonly Problem[], load: ConfigLoad, config: Obj): FunctionResult[] {
  const meta = metadataOf(config);
  const resourceRef = {
    apiVersion: String(config['apiVersion'] ?? ''),
    kind: String(config['kind'] ?? ''),
    name: String(meta['name'] ?? ''),
    ...(typeof meta['namespace'] === 'string' ? { namespace: meta['namespace'] } : {}),
  };
  return problems.map((p) => ({
    // kpt prints resourceRef and field.path before the message: the message adds the position.
    message: `${load.file !== undefined ? `${p.file}:${p.line}:${p.col}: ` : ''}${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`,
    severity: p.severity,
    resourceRef,
    ...(p.path !== '' ? { field: { path: p.path } } : {}),
    ...(load.file !== undefined ? { file: { path: load.file } } : {}),
  }));
}

/**
 * Puts every bound workload of the list on its ServiceAccount (src/k8s/workload-patch.ts), one
 * result per workload: patched or already correct (info), absent from the package (warning, at
 * the binding in the spec), or bound to another ServiceAccount by hand (error, at the field in
 * the workload, which is left as it was).
 */
function workloadResults(model: Model, doc: Document, items: YAMLSeq, specFile: string | undefined): FunctionResult[] {
  const list = items.items.filter(isMap).map((node) => ({ doc, node }));
  return patchBoundWorkloads(model, list).map((r) => workloadResult(r, specFile));
}

function workloadResult(r: WorkloadResult, specFile: string | undefined): FunctionResult {
  const message = `wi-gen: ${describeWorkloadResult(r)}`;
  if (r.outcome.status === 'not-found') {
    return { message, severity: 'warning', field: { path: formatPath(r.specPath) }, ...(specFile !== undefined ? { file: { path: specFile } } : {}) };
  }
  const node = r.item?.node;
  const apiVersion = String(node?.get('apiVersion') ?? '');
  const placedIn = node?.getIn(['metadata', 'annotations', 'config.kubernetes.io/path']) ?? node?.getIn(['metadata', 'annotations', 'internal.config.kubernetes.io/path']);
  const namespace = node?.getIn(['metadata', 'namespace']);
  const resourceRef = { apiVersion, kind: r.kind, name: r.name, ...(typeof namespace === 'string' ? { namespace } : {}) };
  const file = typeof placedIn === 'string' ? { file: { path: placedIn } } : {};
  if (r.outcome.status === 'conflict') return { message, severity: 'error', resourceRef, field: { path: r.outcome.path }, ...file };
  return { message, severity: 'info', resourceRef, ...file };
}

function fail(io: Io, message: string): number {
  io.stderr(`wi-gen fn: ${message}\n`);
  const list = { ...RESOURCE_LIST, items: [], results: [{ message, severity: 'error' }] };
  io.stdout(new Document(list).toString());
  return 2;
}

export function runFunction(input: string, io: Io, cwd: string): number {
  // uniqueKeys compares each key with every earlier one: a ConfigMap of 40k keys took 17 s (issue 15).
  const doc = parseDocument(input, { version: '1.2', uniqueKeys: false });
  if (doc.errors.length > 0) return fail(io, `standard input is not YAML: ${doc.errors[0]?.message.split('\n')[0]}`);
  const root = doc.contents;
  const list: unknown = doc.toJS();
  if (!isMap(root) || !isObj(list) || list['kind'] !== RESOURCE_LIST.kind) {
    return fail(io, 'expected a ResourceList (apiVersion: config.kubernetes.io/v1) on standard input, as kpt and kustomize send it');
  }
  const config = list['functionConfig'];
  if (!isObj(config)) return fail(io, 'the ResourceList has no functionConfig: pass the spec with --fn-config (kpt) or as the generator config (kustomize)');

  if (!isSeq(doc.get('items', true))) doc.set('items', doc.createNode([]));
  const items = doc.get('items', true) as YAMLSeq;
  keepHeadComments(items);
  // kpt sends an empty list as `items: []`; a flow list would print every added object in flow style.
  items.flow = false;

  const load = loadConfig(config, kptSourcePaths(config, cwd), cwd);
  const problems = load.result.ok ? load.result.warnings : load.result.problems;
  const results: FunctionResult[] = resultsFor(problems, load, config);
  for (const p of problems) io.stderr(`${describeProblem(p, load)}\n`);
  if (load.result.ok) {
    const rendered = renderStream(load.result.model);
    const { added, updated } = upsert(doc, items, rendered.objects as Obj[]);
    results.push({ message: `wi-gen: ${rendered.objects.length} object(s) from ${load.file ?? load.label}: ${added} added, ${updated} updated`, severity: 'info' });
    const workloads = workloadResults(load.result.model, doc, items, load.file);
    results.push(...workloads);
    for (const r of workloads) if (r.severity !== 'info') io.stderr(`${r.severity}: ${r.message}\n`);
    if (workloads.some((r) => r.severity === 'error')) {
      doc.set('results', doc.createNode(results));
      io.stdout(doc.toString({ lineWidth: 0 }));
      return 2;
    }
  }
  doc.set('results', doc.createNode(results));
  io.stdout(doc.toString({ lineWidth: 0 }));
  return load.result.ok ? 0 : 2;
}
