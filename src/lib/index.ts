/**
 * wi-gen as a library, the `wi-gen` package entry: `loadSpec` (spec text → model, or positioned
 * problems) and `render` (model → the files, stream and objects the CLI writes).
 *
 * Every type in an exported signature is declared here, so the published declarations
 * (lib/index.d.ts, made from this file by scripts/build.mjs) stand alone: a consumer needs
 * neither zod nor yaml nor cdk8s, which are inlined into the bundle. The internal model stays
 * private: a `Model` is a read-only view, and `render` finds the internal one through a WeakMap.
 *
 * Bad input is a value (`{ ok: false, problems }`), never an exception or a process exit.
 */
import { formatProblem as formatInternal, loadSpec as loadInternal } from '../spec/load.js';
import { render as renderInternal } from '../render.js';
import type { Model as InternalModel } from '../model/model.js';
import { kubeVolume, kubeVolumeMount } from '../model/method.js';

/** One problem in a spec, positioned: `file:line:col: path: message` once formatted. */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Dotted path into the spec, e.g. `identities[0].gke.serviceAccount`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

export interface LoadOptions {
  /** Name used in problems and in "generated from" headers (only its base name reaches output). */
  readonly file: string;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

/** What a workload's pod template needs to run as a binding's ServiceAccount. */
export interface PodTemplate {
  readonly serviceAccountName: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Kubernetes Volumes the pod needs (projected ServiceAccount tokens, CSI drivers), merged by name. */
  readonly volumes: readonly Readonly<Record<string, unknown>>[];
  /** Kubernetes VolumeMounts of those volumes, for every container. */
  readonly volumeMounts: readonly Readonly<Record<string, unknown>>[];
  /** Environment variables for every container (plain values). */
  readonly env: readonly { readonly name: string; readonly value: string }[];
}

/** One Kubernetes ServiceAccount bound to one cloud identity. */
export interface Binding {
  /** The identity's name in the spec. */
  readonly identity: string;
  /** The identity method's key, e.g. `gke`, `azureWorkloadIdentity`. */
  readonly method: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  /** wi-gen creates the ServiceAccount (it is in `render().objects`); otherwise one exists elsewhere. */
  readonly create: boolean;
  /** Workloads the spec lists for this ServiceAccount (the CLI writes kustomize patches for them). */
  readonly workloads: readonly { readonly kind: WorkloadKind; readonly name: string }[];
  readonly pod: PodTemplate;
  /** cert-manager's own ServiceAccount. */
  readonly certManager: boolean;
}

declare const internal: unique symbol;

/** A validated spec. Read-only; pass it to `render`. */
export interface Model {
  /** Base name of the spec file. */
  readonly specName: string;
  readonly bindings: readonly Binding[];
  /** Warnings the spec produced (also listed in the generated README). */
  readonly warnings: readonly Problem[];
  /** Only `loadSpec` makes models. */
  readonly [internal]: true;
}

export type LoadResult = { readonly ok: true; readonly model: Model } | { readonly ok: false; readonly problems: readonly Problem[] };

export interface OutputFile {
  /** Relative POSIX path inside the output directory. */
  readonly path: string;
  readonly content: string;
  readonly executable?: boolean;
}

export interface Rendered {
  /** Every file of the `wi-gen SPEC -o DIR` tree, sorted by path. */
  readonly files: readonly OutputFile[];
  /** The Kubernetes objects wi-gen owns as one YAML stream, what `wi-gen SPEC` prints. */
  readonly stream: string;
  /** The objects of `stream`, as JSON. */
  readonly objects: readonly Record<string, unknown>[];
}

const models = new WeakMap<Model, { readonly model: InternalModel; readonly warnings: readonly string[] }>();

const frozenCopy = (map: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> => Object.freeze({ ...map });

function view(model: InternalModel, warnings: readonly Problem[]): Model {
  const context = { model };
  const bindings = model.bindings.map((b): Binding => {
    const pod = b.identity.method.podTemplate(b, context);
    return Object.freeze({
      identity: b.identity.name,
      method: b.identity.method.key,
      namespace: b.namespace,
      serviceAccountName: b.name,
      create: b.create,
      workloads: Object.freeze(b.workloads.map((w) => Object.freeze({ kind: w.kind, name: w.name }))),
      pod: Object.freeze({
        serviceAccountName: b.name,
        labels: frozenCopy(pod.labels),
        annotations: frozenCopy(pod.annotations),
        nodeSelector: frozenCopy(pod.nodeSelector),
        volumes: Object.freeze((pod.volumes ?? []).map((v) => Object.freeze(kubeVolume(v)))),
        volumeMounts: Object.freeze((pod.volumes ?? []).map((v) => Object.freeze(kubeVolumeMount(v)))),
        env: Object.freeze((pod.env ?? []).map((e) => Object.freeze({ name: e.name, value: e.value }))),
      }),
      certManager: b.certManager,
    });
  });
  const result = Object.freeze({ specName: model.specName, bindings: Object.freeze(bindings), warnings: Object.freeze([...warnings]) }) as unknown as Model;
  models.set(result, { model, warnings: warnings.map((w) => w.message) });
  return result;
}

/** Validates a spec: its model, or every problem found (all of them, not just the first). */
export function loadSpec(text: string | Uint8Array, options: LoadOptions): LoadResult {
  const loaded = loadInternal(text, { file: options.file });
  if (!loaded.ok) return { ok: false, problems: loaded.problems };
  return { ok: true, model: view(loaded.model, loaded.warnings) };
}

/** Everything the CLI would write for the model, in memory; the same model gives the same bytes. */
export function render(model: Model): Rendered {
  const found = models.get(model);
  if (!found) throw new TypeError('wi-gen render(): pass a model returned by loadSpec()');
  return renderInternal(found.model, found.warnings);
}

/** A problem as the CLI prints it: `file:line:col: path: message`, one line. */
export function formatProblem(problem: Problem): string {
  return formatInternal(problem);
}
