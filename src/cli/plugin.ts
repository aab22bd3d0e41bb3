/**
 * `wi-gen plugin CONFIG`: the legacy kustomize exec-plugin form, the one `kubectl kustomize`
 * can run (`--enable-alpha-plugins`, with KUSTOMIZE_PLUGIN_HOME pointing at plugins/). kustomize
 * passes a temporary copy of the generator config as argv[1], runs the plugin in the
 * kustomization directory, and reads a YAML stream from stdout; a non-zero exit fails the build
 * and shows stderr.
 *
 * @see https://kubectl.docs.kubernetes.io/guides/extending_kustomize/exec_plugins/
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { renderStream } from '../render.js';
import { UsageError } from './errors.js';
import { describeProblem, kustomizeGeneratorPaths, loadConfig, readKustomization } from './function-config.js';
import type { Io } from './main.js';

export function runPlugin(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv, cwd: string): number {
  if (argv.length !== 1) throw new UsageError('plugin takes one argument: the generator config file kustomize passes');
  const path = argv[0] as string;
  let config: unknown;
  try {
    config = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path}: cannot read the generator config (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new UsageError(`${path}: the generator config is not a YAML mapping`);
  const root = env['KUSTOMIZE_PLUGIN_CONFIG_ROOT'] ?? cwd;
  const load = loadConfig(config as Record<string, unknown>, kustomizeGeneratorPaths(root), cwd);
  const problems = load.result.ok ? load.result.warnings : load.result.problems;
  for (const p of problems) io.stderr(`${describeProblem(p, load)}\n`);
  if (!load.result.ok) return 2;
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
