/**
 * `wi-gen check`: renders in memory and compares with the tree on disk, the way a pre-commit
 * hook or CI job proves that committed output matches its spec.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { structuredPatch } from 'diff';
import type { OutputFile } from '../format/tree.js';
import { printable } from '../spec/load.js';
import { readTreeFile } from './safe-read.js';
import { MANIFEST_FILE, manifestContent, ownedFiles } from './writer.js';

interface Drift {
  readonly path: string;
  readonly diff: string;
}

/** A git-style unified diff (no `===` banner, no timestamps), as reviewers and pre-commit logs expect. */
function unifiedDiff(oldName: string, newName: string, oldText: string, newText: string): string {
  const patch = structuredPatch(oldName, newName, oldText, newText, undefined, undefined, { context: 3 });
  const lines = [`--- ${oldName}`, `+++ ${newName}`];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines);
  }
  return lines.join('\n') + '\n';
}

/** The mode wi-gen writes a file with, before the umask. */
const modeOf = (executable: boolean | undefined): number => (executable ? 0o755 : 0o644);

/**
 * What is at `path`, as text for a diff: a regular file's content, or undefined. Anything else
 * (a symlink, even one to identical content; a FIFO; a device) is drift, described, never read.
 */
function inspect(dir: string, path: string): { text?: string; mode?: number; other?: string } {
  const read = readTreeFile(dir, path);
  if (read.kind === 'missing') return {};
  if (read.kind === 'other') return { other: printable(read.what) };
  return { text: read.bytes.toString('utf8'), mode: read.mode };
}

const octal = (mode: number) => `100${mode.toString(8).padStart(3, '0')}`;

/** Unified diffs from what is on disk (`a/`) to what the spec renders (`b/`). */
export function diffTree(dir: string, files: readonly OutputFile[]): Drift[] {
  const expected: OutputFile[] = [...files, { path: MANIFEST_FILE, content: manifestContent(files) }];
  const drift: Drift[] = [];
  for (const f of expected) {
    const actual = inspect(dir, f.path);
    const want = modeOf(f.executable);
    // The umask may take bits away; a bit wi-gen never sets (x on a YAML file, group write) or a
    // missing x on a script is a change.
    const modeDrift = actual.mode !== undefined && ((actual.mode & ~want) !== 0 || (f.executable === true && (actual.mode & 0o100) === 0));
    if (actual.text === f.content && !modeDrift) continue;
    if (actual.other !== undefined) {
      drift.push({ path: f.path, diff: unifiedDiff(`a/${f.path} (${actual.other}; not followed)`, `b/${f.path}`, '', f.content) });
      continue;
    }
    const modeLines = modeDrift ? `old mode ${octal(actual.mode as number)}\nnew mode ${octal(want)}\n` : '';
    if (actual.text === f.content) {
      drift.push({ path: f.path, diff: `${modeLines}--- a/${f.path}\n+++ b/${f.path}\n` });
      continue;
    }
    drift.push({
      path: f.path,
      diff: modeLines + unifiedDiff(actual.text === undefined ? '/dev/null' : `a/${f.path}`, `b/${f.path}`, actual.text ?? '', f.content),
    });
  }
  const generated = new Set(expected.map((f) => f.path));
  for (const p of existsSync(dir) ? ownedFiles(dir) : []) {
    if (generated.has(p)) continue;
    const actual = inspect(dir, p);
    if (actual.other !== undefined) {
      drift.push({ path: p, diff: `--- a/${p} (${actual.other}; not followed)\n+++ /dev/null\n` });
      continue;
    }
    if (actual.text === undefined) continue;
    drift.push({ path: p, diff: unifiedDiff(`a/${p}`, '/dev/null', actual.text, '') });
  }
  return drift.sort((a, b) => (a.path < b.path ? -1 : 1));
}
