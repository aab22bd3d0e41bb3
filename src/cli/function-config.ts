/**
 * A spec that reaches wi-gen as a kustomize generator config or a KRM functionConfig rather than
 * as a file. kustomize and kpt hand over a re-serialized copy (keys re-ordered, comments dropped
 * or moved, their own annotations added), so line:col in that copy would point nowhere useful.
 * When the original file can be found, and parses to the same object, it is loaded instead and
 * every problem keeps its exact `file:line:col`; otherwise problems carry the field path only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import { formatProblem, loadSpec, type LoadResult, type Problem } from '../spec/load.js';

/** Annotation prefixes kpt and kustomize add or read; they never affect the rendering. */
const TOOL_ANNOTATION = /^(config\.kubernetes\.io\/|internal\.config\.kubernetes\.io\/|config\.k8s\.io\/|kustomize\.config\.k8s\.io\/)/;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy without tool annotations (and without metadata left empty by their removal). */
function withoutToolAnnotations(config: Obj): Obj {
  const copy: Obj = { ...config };
  if (!isObj(copy['metadata'])) return copy;
  const metadata: Obj = { ...copy['metadata'] };
  if (isObj(metadata['annotations'])) {
    const kept = Object.entries(metadata['annotations']).filter(([k]) => !TOOL_ANNOTATION.test(k));
    if (kept.length > 0) metadata['annotations'] = Object.fromEntries(kept);
    else delete metadata['annotations'];
  }
  if (Object.keys(metadata).length > 0) copy['metadata'] = metadata;
  else delete copy['metadata'];
  return copy;
}

function readYamlObject(path: string): { bytes: Buffer; value: Obj } | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    const bytes = readFileSync(path);
    const value: unknown = parse(bytes.toString('utf8'));
    return isObj(value) ? { bytes, value } : undefined;
  } catch {
    return undefined;
  }
}

export interface ConfigLoad {
  readonly result: LoadResult;
  /** Path (relative to cwd) of the original file, when found; problems then have real positions. */
  readonly file?: string;
  /** `WorkloadIdentitySpec/NAME`, for messages without a file. */
  readonly label: string;
}

/**
 * Loads `config`, preferring the first of `candidates` (paths) whose content is the same object.
 * Problems of a config loaded from its re-serialized copy are reported without line:col.
 */
export function loadConfig(config: Obj, candidates: readonly string[], cwd: string): ConfigLoad {
  const meta = isObj(config['metadata']) ? config['metadata'] : {};
  const label = `${String(config['kind'] ?? 'config')}/${typeof meta['name'] === 'string' ? meta['name'] : '(unnamed)'}`;
  const wanted = withoutToolAnnotations(config);
  for (const candidate of candidates) {
    const found = readYamlObject(candidate);
    if (!found || !isDeepStrictEqual(withoutToolAnnotations(found.value), wanted)) continue;
    const file = isAbsolute(candidate) ? relative(cwd, candidate) || candidate : candidate;
    return { result: loadSpec(found.bytes, { file }), file, label };
  }
  return { result: loadSpec(stringify(wanted), { file: label }), label };
}

/** `file:line:col: path: message` when the file is known, `Kind/name: path: message` otherwise. */
export function describeProblem(p: Problem, load: ConfigLoad): string {
  if (load.file !== undefined) return formatProblem(p);
  return `${load.label}: ${p.path === '' ? '' : `${p.path}: `}${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

/** Candidate paths from a kpt item's annotations: the package path plus the file path. */
export function kptSourcePaths(config: Obj, cwd: string): string[] {
  const meta = isObj(config['metadata']) ? config['metadata'] : {};
  const ann = isObj(meta['annotations']) ? (meta['annotations'] as Record<string, unknown>) : {};
  const path = ann['internal.config.kubernetes.io/path'] ?? ann['config.kubernetes.io/path'];
  if (typeof path !== 'string' || path === '' || isAbsolute(path) || path.split('/').includes('..')) return [];
  const pkg = ann['internal.config.kubernetes.io/package-path'];
  const base = typeof pkg === 'string' && isAbsolute(pkg) ? pkg : cwd;
  return [join(base, path)];
}

/** The kustomization in `root`, parsed, and its file name. */
export function readKustomization(root: string): { file: string; value: Obj } | undefined {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const path = join(root, name);
    if (!existsSync(path)) continue;
    const found = readYamlObject(path);
    return found ? { file: name, value: found.value } : undefined;
  }
  return undefined;
}

/** Files listed under `field` (`generators`, `transformers`) of the kustomization in `root`. */
export function kustomizationFiles(root: string, field: 'generators' | 'transformers'): string[] {
  const listed = readKustomization(root)?.value[field];
  if (!Array.isArray(listed)) return [];
  return listed.filter((g): g is string => typeof g === 'string' && !g.includes('\n')).map((g) => join(root, g));
}
