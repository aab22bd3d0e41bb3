/**
 * `wi-gen plugin CONFIG`: the legacy kustomize exec-plugin form, the one `kubectl kustomize`
 * can run (`--enable-alpha-plugins`, with KUSTOMIZE_PLUGIN_HOME pointing at plugins/). kustomize
 * passes a temporary copy of the config as argv[1], runs the plugin in the kustomization
 * directory, and reads a YAML stream from stdout; a non-zero exit fails the build and shows
 * stderr. The same config works in both lists of a kustomization:
 *
 * - `generators:`   stdin is empty; the objects wi-gen owns come out.
 * - `transformers:` stdin holds the kustomization's resources (after its own `namespace:`,
 *                   `patches:` and the like, which kustomize runs before plugin transformers);
 *                   they come back with every bound workload put on its ServiceAccount.
 *
 * @see https://kubectl.docs.kubernetes.io/guides/extending_kustomize/exec_plugins/
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { isMap, parse, parseAllDocuments, type YAMLMap } from 'yaml';
import { resolve } from 'node:path';
import { MAX_SPEC_BYTES } from '../spec/load.js';
import { readBounded } from './safe-read.js';
import { renderStream } from '../render.js';
import { describeWorkloadResult, patchBoundWorkloads } from '../k8s/workload-patch.js';
import { UsageError } from './errors.js';
import { describeProblem, kustomizationFiles, loadConfig, readKustomization, type ConfigLoad } from './function-config.js';
import { MAX_RESOURCE_LIST_BYTES, type Io } from './io.js';
import type { Model } from '../model/model.js';

export function runPlugin(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv, cwd: string): number {
  if (argv.length !== 1) throw new UsageError('plugin takes one argument: the generator or transformer config file kustomize passes');
  const path = argv[0] as string;
  let config: unknown;
  try {
    config = parse(readConfig(path), { version: '1.2', maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path}: cannot read the generator config (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new UsageError(`${path}: the generator config is not a YAML mapping`);
  const root = env['KUSTOMIZE_PLUGIN_CONFIG_ROOT'] ?? cwd;
  const generators = kustomizationFiles(root, 'generators');
  const transformers = kustomizationFiles(root, 'transformers');
  const load = loadConfig(config as Record<string, unknown>, [...generators, ...transformers], cwd);
  const problems = load.result.ok ? load.result.warnings : load.result.problems;
  // A transformer sees its input on stdin; a generator gets an empty one. A transformer of an
  // empty kustomization also gets nothing, and must then return nothing.
  const stdin = io.readStdin(MAX_RESOURCE_LIST_BYTES);
  if (stdin.truncated) throw new UsageError(`plugin: the resources on standard input are more than ${MAX_RESOURCE_LIST_BYTES} bytes, the limit; nothing was built`);
  const input = stdin.bytes.toString('utf8');
  const transforming = input.trim() !== '' || (load.file !== undefined && !generators.includes(resolve(cwd, load.file)) && transformers.includes(resolve(cwd, load.file)));
  // Warnings once per build: the generator run shows them.
  for (const p of problems) if (!transforming || p.severity === 'error') io.stderr(`${describeProblem(p, load)}\n`);
  if (!load.result.ok) return 2;
  if (transforming) return transform(input, load.result.model, load, config as Record<string, unknown>, io);

  const rendered = renderStream(load.result.model);
  // kustomize's namespace: moves every namespaced object, but the cloud side names the spec's
  // namespaces: the binding would break at runtime with a 403, so the build stops here instead.
  const kustomization = readKustomization(root);
  const namespace = kustomization?.value['namespace'];
  if (typeof namespace === 'string' && namespace !== '') {
    const moved = rendered.objects.filter((o) => {
      const ns = (o['metadata'] as { namespace?: unknown } | undefined)?.namespace;
      return typeof ns === 'string' && ns !== namespace;
    });
    for (const o of moved) {
      const meta = o['metadata'] as { namespace: string; name: string };
      io.stderr(
        `${kustomization?.file}: namespace: ${namespace} would move ${String(o['kind'])} ${meta.namespace}/${meta.name}, which ${load.file ?? load.label} puts in ${meta.namespace} and binds there; drop namespace: from this kustomization or make it ${meta.namespace}\n`,
      );
    }
    if (moved.length > 0) return 2;
  }
  io.stdout(rendered.stream);
  return 0;
}

/**
 * The transformer half: every bound workload among the resources goes onto its ServiceAccount
 * (src/k8s/workload-patch.ts); everything else passes through as it came, kustomize's own
 * annotations included (it maps the objects back by them). A workload bound by hand to another
 * ServiceAccount fails the build; one missing from the kustomization is a warning.
 */
const MISSING_ANNOTATION = 'wi-gen.dev/missing-workloads';

function ignoresMissing(config: Record<string, unknown>): boolean {
  const annotations = (config['metadata'] as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  return annotations?.[MISSING_ANNOTATION] === 'ignore';
}

function transform(input: string, model: Model, load: ConfigLoad, config: Record<string, unknown>, io: Io): number {
  const docs = parseAllDocuments(input, { version: '1.2' });
  if (!Array.isArray(docs)) return 0;
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken) {
    io.stderr(`wi-gen plugin: the resources kustomize passed are not YAML: ${broken.errors[0]?.message.split('\n')[0]}\n`);
    return 2;
  }
  const items = docs.filter((d) => isMap(d.contents)).map((doc) => ({ doc, node: doc.contents as YAMLMap }));
  const results = patchBoundWorkloads(model, items);
  const source = load.file ?? load.label;
  let failed = false;
  for (const r of results) {
    if (r.outcome.status === 'not-found') io.stderr(`${source}: ${describeWorkloadResult(r)}\n`);
    if (r.outcome.status === 'conflict') {
      io.stderr(`${source}: ${describeWorkloadResult(r)}\n`);
      failed = true;
    }
  }
  // kubectl kustomize shows a plugin's stderr only when it fails: a warning alone would be lost,
  // and the workload would run as `default` and get 403s at run time. So a missing workload fails
  // the build, unless the config says the workloads live in other kustomizations.
  const missing = results.filter((r) => r.outcome.status === 'not-found');
  if (missing.length > 0 && !ignoresMissing(config)) {
    io.stderr(`${source}: ${missing.length} bound workload(s) not in this kustomization; add them to its resources, or annotate the spec ${MISSING_ANNOTATION}: ignore when they are built elsewhere\n`);
    failed = true;
  }
  if (failed) return 2;
  io.stdout(docs.map((d) => d.toString({ lineWidth: 0 }).replace(/^---\n/, '')).join('---\n'));
  return 0;
}

/** A generator config holds one spec and a header: a spec's limit plus room for the header. */
const MAX_CONFIG_BYTES = MAX_SPEC_BYTES + 64 * 1024;

/**
 * The config kustomize wrote: a regular file of bounded size. `plugin /dev/zero` was read until
 * memory ran out, and a FIFO blocked forever; neither is a generator config.
 */
function readConfig(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new UsageError(`${path}: cannot read the generator config (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UsageError(`${path}: the generator config is not a regular file`);
    const { bytes, truncated } = readBounded(fd, MAX_CONFIG_BYTES);
    if (truncated) throw new UsageError(`${path}: the generator config is more than ${MAX_CONFIG_BYTES} bytes`);
    return bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
