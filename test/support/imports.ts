// The import graph of TypeScript sources, read syntactically (no type check, so a scan of src/
// and test/ takes well under a second): what each file exports, and which names of which files
// each file imports. The dead-export check and the architecture (import direction) check read it.
import { readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** One import (or re-export) edge: `names` of `to` used by `from`; `'*'` is every export. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly names: readonly string[] | '*';
  /** `import type` / `export type`: erased at run time, but still a dependency of the layer. */
  readonly typeOnly: boolean;
  readonly line: number;
}

export interface SourceGraph {
  /** Repository-relative POSIX path → names it exports. */
  readonly exports: ReadonlyMap<string, readonly string[]>;
  readonly edges: readonly ImportEdge[];
}

/** Every `.ts` and `.mjs` file under the given repository-relative folders, as path → text. */
export function readSources(root: string, folders: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const p = posix.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.set(p, readFileSync(join(root, p), 'utf8'));
    }
  };
  for (const f of folders) walk(f);
  return out;
}

/** `./x.js` from `src/a/b.ts` → `src/a/x.ts`, when that file is among the sources. */
function resolveSpecifier(from: string, specifier: string, files: ReadonlyMap<string, string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const candidate of [base.replace(/\.m?js$/, '.ts'), base, `${base}.ts`, `${base}/index.ts`]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

export function sourceGraph(files: ReadonlyMap<string, string>): SourceGraph {
  const exports = new Map<string, string[]>();
  const edges: ImportEdge[] = [];
  for (const [path, text] of files) {
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true, path.endsWith('.mjs') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
    const exported: string[] = [];
    const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    const edge = (specifier: ts.Node | undefined, names: readonly string[] | '*', typeOnly: boolean, node: ts.Node) => {
      const literal = specifier && ts.isLiteralTypeNode(specifier) ? specifier.literal : specifier;
      if (!literal || !ts.isStringLiteral(literal)) return;
      const to = resolveSpecifier(path, literal.text, files);
      if (to) edges.push({ from: path, to, names, typeOnly, line: lineOf(node) });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const bindings = clause?.namedBindings;
        const names = !clause
          ? []
          : bindings && ts.isNamespaceImport(bindings)
            ? '*'
            : [...(clause.name ? ['default'] : []), ...(bindings && ts.isNamedImports(bindings) ? bindings.elements.map((e) => (e.propertyName ?? e.name).text) : [])];
        edge(node.moduleSpecifier, names, clause?.isTypeOnly ?? false, node);
        return;
      }
      if (ts.isExportDeclaration(node)) {
        const clause = node.exportClause;
        if (!clause) {
          // `export * from './x.js'`: every export of x is used (by whoever uses this file).
          edge(node.moduleSpecifier, '*', node.isTypeOnly, node);
        } else if (ts.isNamedExports(clause)) {
          exported.push(...clause.elements.map((e) => e.name.text));
          if (node.moduleSpecifier) edge(node.moduleSpecifier, clause.elements.map((e) => (e.propertyName ?? e.name).text), node.isTypeOnly, node);
        } else {
          exported.push(clause.name.text);
          edge(node.moduleSpecifier, '*', node.isTypeOnly, node);
        }
        return;
      }
      if (ts.isExportAssignment(node)) exported.push('default');
      const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
      if (modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
        const isDefault = modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
        if (ts.isVariableStatement(node)) {
          for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) exported.push(d.name.text);
        } else if ('name' in node && node.name && ts.isIdentifier(node.name as ts.Node)) {
          exported.push(isDefault ? 'default' : (node.name as ts.Identifier).text);
        }
      }
      // `import('./x.js')` and `typeof import('./x.js')` use the whole module.
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) edge(node.arguments[0], '*', false, node);
      if (ts.isImportTypeNode(node)) edge(node.argument, '*', true, node);
      ts.forEachChild(node, visit);
    };
    visit(sf);
    exports.set(path, exported);
  }
  return { exports, edges };
}

export interface DeadExport {
  readonly file: string;
  readonly name: string;
}

/**
 * Exports of `scope` files that no other file imports, other than the exports of `entryPoints`
 * (the published API: what they export is used by the package's users).
 */
export function deadExports(graph: SourceGraph, scope: (file: string) => boolean, entryPoints: readonly string[]): DeadExport[] {
  const used = new Map<string, Set<string> | '*'>();
  for (const e of graph.edges) {
    if (e.from === e.to) continue;
    const seen = used.get(e.to);
    if (seen === '*') continue;
    if (e.names === '*') used.set(e.to, '*');
    else used.set(e.to, new Set([...(seen ?? []), ...e.names]));
  }
  const dead: DeadExport[] = [];
  for (const [file, names] of graph.exports) {
    if (!scope(file) || entryPoints.includes(file)) continue;
    const seen = used.get(file);
    if (seen === '*') continue;
    for (const name of names) if (!seen?.has(name)) dead.push({ file, name });
  }
  return dead.sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name));
}
