#!/usr/bin/env node
// Moves TypeScript modules and rewrites every relative import of them, so a re-layering is a
// mechanical commit with no behaviour change:
//
//   node scripts/move-modules.mjs src/emit/hcl.ts=src/format/hcl.ts src/emit/shell.ts=src/format/shell.ts
//
// Each pair is `git mv`ed; then every .ts/.mts/.mjs file under src/, test/, scripts/ and bench/ has
// its relative specifiers (`from '…'`, `import('…')`) resolved against the file's old place and
// written again relative to its new place, keeping the `.js` extension. Mentions of a moved path
// in Markdown and comments (`src/emit/hcl.ts`) are updated too.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pairs = process.argv.slice(2).map((a) => a.split('='));
if (pairs.length === 0 || pairs.some((p) => p.length !== 2)) {
  console.error('usage: node scripts/move-modules.mjs OLD.ts=NEW.ts ...');
  process.exit(2);
}
const moved = new Map(pairs.map(([from, to]) => [posix.normalize(from), posix.normalize(to)]));
const newPlace = (p) => moved.get(p) ?? p;

const sources = [];
const walk = (dir) => {
  if (!existsSync(join(root, dir))) return;
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = posix.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') walk(p);
    } else if (/\.(ts|mts|mjs)$/.test(e.name)) sources.push(p);
  }
};
for (const d of ['src', 'test', 'scripts', 'bench']) walk(d);

for (const [from, to] of moved) {
  mkdirSync(join(root, dirname(to)), { recursive: true });
  execFileSync('git', ['mv', from, to], { cwd: root, stdio: 'inherit' });
}

const known = new Set([...sources.map(newPlace)]);
const SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]+)\2/g;
let rewrites = 0;
for (const before of sources) {
  const after = newPlace(before);
  const path = join(root, after);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(SPECIFIER, (whole, lead, quote, spec) => {
    const target = posix.normalize(posix.join(posix.dirname(before), spec));
    const ts = target.replace(/\.js$/, '.ts');
    const resolved = moved.has(ts) ? ts : moved.has(target) ? target : undefined;
    if (!resolved && after === before) return whole;
    const newTarget = resolved ? newPlace(resolved) : ts;
    if (!resolved && !known.has(newTarget) && !existsSync(join(root, target))) return whole;
    let rel = posix.relative(posix.dirname(after), resolved ? newTarget : target);
    if (resolved && spec.endsWith('.js')) rel = rel.replace(/\.ts$/, '.js');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    if (rel === spec) return whole;
    rewrites++;
    return `${lead}${quote}${rel}${quote}`;
  });
  if (next !== text) writeFileSync(path, next);
}

// Mentions of moved paths in prose: README, docs, comments.
const prose = execFileSync('git', ['ls-files', '*.md', 'src', 'test', 'scripts', 'bench'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((p) => p && p !== 'scripts/move-modules.mjs' && existsSync(join(root, p)) && /\.(md|ts|mts|mjs)$/.test(p));
let mentions = 0;
for (const p of prose) {
  const text = readFileSync(join(root, p), 'utf8');
  let next = text;
  for (const [from, to] of moved) {
    next = next.split(from).join(to);
    // Comments inside src/ name modules without the src/ prefix (`emit/shell.ts`).
    const short = (s) => s.replace(/^src\//, '');
    if (p.startsWith('src/')) next = next.replace(new RegExp(`(?<![\\w./-])${short(from).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'g'), short(to));
  }
  if (next !== text) {
    mentions++;
    writeFileSync(join(root, p), next);
  }
}
console.log(`moved ${moved.size} file(s); rewrote ${rewrites} import(s); updated mentions in ${mentions} file(s)`);
