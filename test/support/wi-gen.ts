// Shared helpers for tests: render a spec in-process, run the real CLI, read trees and YAML.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { loadSpec, type Problem } from '../../src/spec/load.js';
import { render, type Rendered } from '../../src/render.js';
import { main } from '../../src/cli/main.js';
import { GRANT_RECORD_FILE, parseGrantRecord, type GrantRecord } from '../../src/lifecycle/record.js';
import { MANIFEST_FILE, manifestContent } from '../../src/cli/writer.js';
import { run } from './tools.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const examplesDir = join(repoRoot, 'examples');
export const binPath = join(repoRoot, 'bin', 'wi-gen.cjs');

export function exampleNames(): string[] {
  return readdirSync(examplesDir)
    .filter((d) => statSync(join(examplesDir, d)).isDirectory())
    .filter((d) => statSync(join(examplesDir, d, 'spec.yaml'), { throwIfNoEntry: false })?.isFile())
    .sort();
}

/** Render spec text in-process; throws with the formatted problems when it is invalid. */
export function renderText(text: string, file = 'spec.yaml'): Rendered {
  const loaded = loadSpec(text, { file });
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.path}: ${p.message}`).join('\n'));
  return render(loaded.model, loaded.warnings.map((w) => w.message));
}

export function renderFile(path: string): Rendered {
  return renderText(readFileSync(path, 'utf8'), path);
}

/** Problems for spec text expected to be invalid. */
export function problemsOf(text: string, file = 'spec.yaml'): readonly Problem[] {
  const loaded = loadSpec(text, { file });
  if (loaded.ok) throw new Error('spec unexpectedly valid');
  return loaded.problems;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI's `main(argv, io)` from src/ in this process, in `cwd` (so relative paths and
 * `file:line:col` positions read as a user would see them), with `input` as standard input. What
 * the tests mean by "the CLI": only the bundle smoke tests need `cli()`.
 */
export function wiGen(argv: readonly string[], opts: { cwd?: string; input?: string } = {}): CliResult {
  let stdout = '';
  let stderr = '';
  const previous = process.cwd();
  process.chdir(opts.cwd ?? repoRoot);
  try {
    const code = main(argv, {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      readStdin: (limit) => {
        const bytes = Buffer.from(opts.input ?? '');
        return { bytes: bytes.subarray(0, limit), truncated: bytes.length > limit };
      },
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(previous);
  }
}

/** Runs the committed CLI bundle as a user would (a child process): for smoke tests of the build. */
export function cli(args: readonly string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) {
  return run(process.execPath, [binPath, ...args], { cwd: opts.cwd ?? repoRoot, input: opts.input, env: opts.env });
}

/** All files under dir as relative POSIX path → content. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

export function yamlDocs(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null);
}

/**
 * The tree `-o DIR` leaves for spec text, judged against the tree `actual` found in DIR: a
 * render over an earlier tree carries the earlier tree's grants that this spec lacks in its
 * record and prune.sh, so those (read back from `actual`'s record) are part of the answer.
 * Undefined for a spec that does not load.
 */
export function writtenTree(text: string | Uint8Array, file: string, actual?: ReadonlyMap<string, string>): Map<string, string> | undefined {
  const loaded = loadSpec(text, { file });
  if (!loaded.ok) return undefined;
  const record = actual?.get(GRANT_RECORD_FILE);
  let prune: GrantRecord['prune'] = [];
  try {
    prune = record ? parseGrantRecord(record).prune : [];
  } catch {
    // not a record: the tree is not one wi-gen wrote, and will not match
  }
  const files = render(loaded.model, loaded.warnings.map((w) => w.message), { previous: { grants: prune, prune: [] } }).files;
  return new Map([...files.map((f) => [f.path, f.content] as const), [MANIFEST_FILE, manifestContent(files)]]);
}
