// One table-test style for the CLI, after kustomize's api/filters tests: each case is literal
// input (files written to a fresh directory, arguments, standard input) and the exact output
// (stdout and stderr as lines, the exit code, and files when the run writes a tree). Cases run
// in-process through `main(argv, io)`, so they exercise src/, not the committed bundle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readTree, wiGen } from './wi-gen.js';
import { tmpDir } from './tools.js';

export interface CliCase {
  readonly name: string;
  /** Files to write, by path relative to the directory the CLI runs in. */
  readonly files?: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
  readonly stdin?: string;
  readonly code: number;
  /** Exact stdout: lines (the trailing newline trimmed), or the whole text. Unchecked when absent. */
  readonly stdout?: readonly string[] | string;
  /** Exact stderr lines (the trailing newline trimmed); `[]` means empty. Unchecked when absent. */
  readonly stderr?: readonly string[];
  /** Exact files under this directory after the run, by relative path (the whole tree, not a subset). */
  readonly tree?: { readonly dir: string; readonly files: Readonly<Record<string, string>> };
  /** Exact lines of some files the run wrote (the trailing newline trimmed), by path. */
  readonly written?: Readonly<Record<string, readonly string[]>>;
  /** The first lines of some files the run wrote, exactly, by path. */
  readonly heads?: Readonly<Record<string, readonly string[]>>;
}

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/** Runs one case; the assertions a table test makes, for a caller that needs the result too. */
export function runCase(c: CliCase): { code: number; stdout: string; stderr: string; dir: string } {
  const dir = tmpDir('wi-gen-table-');
  for (const [path, text] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = wiGen(c.argv, { cwd: dir, ...(c.stdin !== undefined ? { input: c.stdin } : {}) });
  if (c.stdout !== undefined) {
    if (typeof c.stdout === 'string') assert.is(r.stdout, c.stdout, 'stdout');
    else assert.equal(lines(r.stdout), c.stdout, 'stdout');
  }
  if (c.stderr !== undefined) assert.equal(lines(r.stderr), c.stderr, 'stderr');
  assert.is(r.code, c.code, `exit code (stderr: ${r.stderr})`);
  if (c.tree) assert.equal(Object.fromEntries(readTree(join(dir, c.tree.dir))), c.tree.files);
  const read = (path: string) => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : `(${path} not written)`);
  for (const [path, expected] of Object.entries(c.written ?? {})) assert.equal(lines(read(path)), expected, path);
  for (const [path, expected] of Object.entries(c.heads ?? {})) assert.equal(lines(read(path)).slice(0, expected.length), expected, path);
  return { ...r, dir };
}

/** Registers one uvu test per case, named `prefix: case name`. */
export function cliTable(prefix: string, cases: readonly CliCase[]): void {
  for (const c of cases) test(`${prefix}: ${c.name}`, () => void runCase(c));
}

/**
 * A spec the CLI must refuse: every problem at once as `file:line:col: path: message` on stderr,
 * exit code 2, nothing on stdout (no partial output).
 */
export function badSpec(name: string, spec: string, stderr: readonly string[]): CliCase {
  return { name, files: { 'spec.yaml': spec }, argv: ['spec.yaml'], code: 2, stdout: '', stderr };
}
