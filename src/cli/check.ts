/**
 * `wi-gen check`: renders in memory and compares with the tree on disk, the way a pre-commit
 * hook or CI job proves that committed output matches its spec.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { structuredPatch } from 'diff';
import type { OutputFile } from '../emit/tree.js';
import { MANIFEST_FILE, manifestContent, ownedFiles } from './writer.js';

export interface Drift {
  readonly path: string;
  readonly diff: string;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** A git-style unified diff (no `===` banner, no timestamps), as reviewers and pre-commit logs expect. */
export function unifiedDiff(oldName: string, newName: string, oldText: string, newText: string): string {
  const patch = structuredPatch(oldName, newName, oldText, newText, undefined, undefined, { context: 3 });
  const lines = [`--- ${oldName}`, `+++ ${newName}`];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines);
  }
  return lines.join('\n') + '\n';
}

/** Unified diffs from what is on disk (`a/`) to what the spec renders (`b/`). */
export function diffTree(dir: string, files: readonly OutputFile[]): Drift[] {
  const expected: OutputFile[] = [...files, { path: MANIFEST_FILE, content: manifestContent(files) }];
  const drift: Drift[] = [];
  for (const f of expected) {
    const actual = readOrUndefined(join(dir, ...f.path.split('/')));
    if (actual === f.content) continue;
    drift.push({
      path: f.path,
      diff: unifiedDiff(actual === undefined ? '/dev/null' : `a/${f.path}`, `b/${f.path}`, actual ?? '', f.content),
    });
  }
  const generated = new Set(expected.map((f) => f.path));
  for (const p of existsSync(dir) ? ownedFiles(dir) : []) {
    if (generated.has(p)) continue;
    const actual = readOrUndefined(join(dir, ...p.split('/')));
    if (actual === undefined) continue;
    drift.push({ path: p, diff: unifiedDiff(`a/${p}`, '/dev/null', actual, '') });
  }
  return drift.sort((a, b) => (a.path < b.path ? -1 : 1));
}
