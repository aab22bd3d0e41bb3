/**
 * The pipeline: model → every output file, in memory. Pure: no I/O, no clock, no environment,
 * so the same model always gives the same bytes.
 */
import type { Model } from './model/model.js';
import type { MethodContext } from './model/method.js';
import { synthesizeManifests, type ManifestFile } from './k8s/manifests.js';
import { certManagerConfig } from './emit/cert-manager.js';
import { helmValues } from './emit/helm.js';
import { certManagerComponent, hasNamespaceComponents, namespaceComponents } from './emit/kustomize.js';
import { cloudObjectFiles, cloudPlans, scriptFiles, terraformFiles } from './emit/cloud.js';
import { readmeFile } from './emit/readme.js';
import { generatedHeader, sortFiles, type OutputFile } from './format/tree.js';
import { toYaml, toYamlStream } from './format/yaml.js';
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
  const files: OutputFile[] = [];
  manifests.forEach((m, i) => {
    files.push({ path: `manifests/${m.file}`, content: generatedHeader(model.specName, 'hash') + bodies[i] });
  });
  if (manifests.length > 0) {
    files.push({
      path: 'manifests/kustomization.yaml',
      content:
        generatedHeader(model.specName, 'hash') +
        toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: manifests.map((m) => m.file) }),
    });
  }
  const cm = certManagerConfig(model);
  if (cm && cm.spec.install === 'helm') {
    files.push({ path: 'helm/cert-manager.values.yaml', content: generatedHeader(model.specName, 'hash') + toYaml(helmValues(cm)) });
  }
  if (cm && cm.spec.install === 'manifests') files.push(...certManagerComponent(model, cm));
  files.push(...namespaceComponents(model));
  const plans = cloudPlans(model);
  files.push(...scriptFiles(model, plans), ...terraformFiles(model, plans), ...cloudObjectFiles(model, plans));
  const life = lifecycleFiles(model, lifecycle.previous, lifecycle.pruned === true);
  files.push(...life.files);
  files.push(readmeFile(model, files.map((f) => f.path), cm, warnings, life.record));

  return { files: sortFiles(files), ...streamOf(model, manifests, bodies) };
}
