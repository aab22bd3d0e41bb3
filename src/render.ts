/**
 * The pipeline: model → every output file, in memory. Pure: no I/O, no clock, no environment,
 * so the same model always gives the same bytes.
 */
import type { Model } from './model/model.js';
import type { CloudPlan, MethodContext } from './model/method.js';
import { synthesizeManifests, type ManifestFile } from './k8s/manifests.js';
import { certManagerConfig } from './emit/cert-manager.js';
import { helmValues } from './emit/helm.js';
import { certManagerComponent, hasNamespaceComponents, namespaceComponents } from './emit/kustomize.js';
import { cloudObjectFiles, cloudPlans, scriptFiles, terraformFiles, terraformModule } from './emit/cloud.js';
import { adoptingSection, readmeFile } from './emit/readme.js';
import { generatedHeader, outputFile, sortFiles, treeFile, withHeader, type OutputFile, type TreeFile } from './format/tree.js';
import { toYaml, toYamlStream, yamlStreamParts } from './format/yaml.js';
import { lifecycleFiles } from './lifecycle/files.js';
import { EMPTY_RECORD, type GrantRecord } from './lifecycle/record.js';

export interface Rendered {
  /** Every file of the `-o DIR` tree, sorted by path. */
  readonly files: readonly OutputFile[];
  /** The Kubernetes objects wi-gen owns, as one stream for `kubectl apply -f -`. */
  readonly stream: string;
  /** The objects of `stream`, for callers that want them structured (the KRM function). */
  readonly objects: readonly Record<string, unknown>[];
}

/** What the stream prints: the Kubernetes objects, nothing of the `-o DIR` tree. */
type RenderedStream = Pick<Rendered, 'stream' | 'objects'>;

/**
 * The stream alone, for the commands that print it (`wi-gen SPEC`, the kustomize plugin, the KRM
 * function): the same bytes as `render(model).stream` without building the cloud scripts,
 * Terraform, Components and README that only `-o DIR` writes.
 */
export function renderStream(model: Model): RenderedStream {
  const manifests = synthesizeManifests(model);
  return streamOf(model, manifests, manifests.map((m) => toYamlStream(m.objects)));
}

function streamOf(model: Model, manifests: readonly ManifestFile[], bodies: readonly string[]): RenderedStream {
  const objects = manifests.flatMap((m) => m.objects);
  const stream = objects.length ? generatedHeader(model.specName, 'hash') + bodies.join('---\n') : '';
  return { stream, objects };
}

/**
 * The top-level parts of the `-o DIR` tree the stream leaves out (`helm/`, `kustomize/cert-manager/`,
 * `kustomize/namespaces/`, `cloud/`), from the same emitters `render` runs, without rendering the
 * cloud scripts, Terraform or README: what `wi-gen SPEC`'s stderr note names.
 */
export function streamLeavesOut(model: Model): string[] {
  const parts: string[] = [];
  const cm = certManagerConfig(model);
  if (cm && cm.spec.install === 'helm') parts.push('helm/');
  if (cm && cm.spec.install === 'manifests' && certManagerComponent(model, cm).length > 0) parts.push('kustomize/cert-manager/');
  // Whether there are Components and a cloud side, without building them: this runs on every
  // `wi-gen SPEC`, where building them cost as much as the stream itself.
  if (hasNamespaceComponents(model)) parts.push('kustomize/namespaces/');
  // cloudPlans only places each plan's sections in files: a plan's emptiness is its own, and the
  // first identity with a cloud side settles it.
  const ctx: MethodContext = { model };
  const hasCloudSide = model.identities.some((identity) => {
    const p = identity.method.cloudPlan(identity, ctx);
    return (p.scripts ?? []).some((s) => s.lines.length > 0) || (p.terraform ?? []).some((t) => t.blocks.length > 0) || (p.objects ?? []).length > 0;
  });
  if (hasCloudSide) parts.push('cloud/');
  return parts;
}

/** What an `-o DIR` render knows of the tree it replaces. */
interface RenderLifecycle {
  /** The grant record of the previous render of DIR (`.wi-gen-grants.json`). */
  readonly previous: GrantRecord;
  /** The user confirmed cloud/prune.sh has run: forget the grants it removed. */
  readonly pruned?: boolean;
}

export function render(model: Model, warnings: readonly string[] = [], lifecycle: RenderLifecycle = { previous: EMPTY_RECORD }): Rendered {
  const manifests = synthesizeManifests(model);
  // Each file's documents, written once: the stream is the same documents, file after file.
  const bodies = manifests.map((m) => toYamlStream(m.objects));
  // Each file's parts read as it comes: a file's parts may be made as they are read.
  const files = sortFiles(Array.from(treeFiles(model, warnings, lifecycle, manifests.map((m) => m.file), (i) => [bodies[i] as string]), outputFile));
  return { files, ...streamOf(model, manifests, bodies) };
}

/**
 * The files of the `-o DIR` tree one at a time, as they are made (README.md last; not sorted):
 * the same files as `render(...).files`, for a writer that keeps only the file at hand. Each
 * manifest's objects are let go once its file is made, and nothing of the stream is built.
 */
export function* renderTree(model: Model, warnings: readonly string[] = [], lifecycle: RenderLifecycle = { previous: EMPTY_RECORD }): Generator<TreeFile> {
  const pending: (ManifestFile | undefined)[] = synthesizeManifests(model);
  const bodyOf = (i: number): Iterable<string> => {
    const m = pending[i] as ManifestFile;
    pending[i] = undefined;
    return yamlStreamParts(m.objects);
  };
  yield* treeFiles(model, warnings, lifecycle, pending.map((m) => (m as ManifestFile).file), bodyOf);
}

/** The tree's files in the order they are made; `bodyOf(i)` is the documents of manifest file `manifestNames[i]`, asked for once. */
function* treeFiles(model: Model, warnings: readonly string[], lifecycle: RenderLifecycle, manifestNames: readonly string[], bodyOf: (i: number) => Iterable<string>): Generator<TreeFile> {
  // The README lists every path: collected as the files go by, not kept with their content.
  const paths: string[] = [];
  const made = (f: TreeFile): TreeFile => {
    paths.push(f.path);
    return f;
  };
  for (let i = 0; i < manifestNames.length; i++) {
    yield made({ path: `manifests/${manifestNames[i]}`, parts: withHeader(generatedHeader(model.specName, 'hash'), bodyOf(i)) });
  }
  if (manifestNames.length > 0) {
    yield made(
      treeFile({
        path: 'manifests/kustomization.yaml',
        content: generatedHeader(model.specName, 'hash') + toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...manifestNames] }),
      }),
    );
  }
  const cm = certManagerConfig(model);
  if (cm && cm.spec.install === 'helm') {
    yield made(treeFile({ path: 'helm/cert-manager.values.yaml', content: generatedHeader(model.specName, 'hash') + toYaml(helmValues(cm)) }));
  }
  if (cm && cm.spec.install === 'manifests') for (const f of certManagerComponent(model, cm)) yield made(treeFile(f));
  for (const f of namespaceComponents(model)) yield made(treeFile(f));
  let plans: CloudPlan[] | undefined = cloudPlans(model);
  for (const f of scriptFiles(model, plans)) yield made(f);
  const terraform = terraformModule(plans);
  for (const f of terraformFiles(model, terraform)) yield made(f);
  for (const f of cloudObjectFiles(model, plans)) yield made(f);
  const adopting = adoptingSection(terraform);
  const cloudObjects = plans.flatMap((p) => p.objects ?? []);
  plans = undefined; // the plans' lines are in the files above: not kept while the rest is made
  let life: ReturnType<typeof lifecycleFiles> | undefined = lifecycleFiles(model, cloudObjects, lifecycle.previous, lifecycle.pruned === true);
  for (const f of life.files) yield made(f);
  // The README names only what is left to prune: every grant of the record is let go before it is made.
  const pruning = { prune: life.record.prune };
  life = undefined;
  yield readmeFile(model, paths, cm, warnings, adopting, pruning);
}
