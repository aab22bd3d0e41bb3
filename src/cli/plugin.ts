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
import { render } from '../render.js';
import { UsageError } from './errors.js';
import { describeProblem, kustomizeGeneratorPaths, loadConfig } from './function-config.js';
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
  io.stdout(render(load.result.model, load.result.warnings.map((w) => w.message)).stream);
  return 0;
}
