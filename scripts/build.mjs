#!/usr/bin/env node
// Builds the committed files of lib/ from src/:
//   lib/wi-gen.cjs       the CLI and the library (src/bundle.ts) with its dependencies inlined, so the
//                        package has no runtime dependencies; lib/wi-gen-cli.cjs (hand-written) runs its
//                        CLI through V8's code cache, lib/index.mjs (hand-written) re-exports its library
//   lib/wi-gen-yaml.cjs, lib/wi-gen-diff.cjs
//                        the yaml and diff packages, which lib/wi-gen.cjs loads on first use (lazyVendors)
//   lib/cdk8s.cjs        the cdk8s constructs (src/cdk8s/), loading cdk8s, constructs and cdk8s-plus-27
//                        from the user's project (peer dependencies) and the library from wi-gen.cjs
//   lib/*.d.ts, *.d.cts  declarations of both entries, emitted by tsc
// They are committed: `npm ci` then works with no build step, and pre-commit's `language: node`
// install (which breaks on a `prepare` script) gets runnable JS. `--check` exits 1 when a
// committed file is not what the sources build to.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const BUNDLE = `${root}lib/wi-gen.cjs`;
/** Packages the cdk8s entry takes from the user's project. */
const PEERS = ['cdk8s', 'constructs', 'cdk8s-plus-27'];

/**
 * `import { z } from 'zod'` names zod's whole namespace as one value, which a bundler must keep
 * entire: 450 kB minified, most of it the error-message locales for 50 languages. The package
 * root exports the same members, and `import * as z` lets esbuild drop what is never used (75 kB).
 * Rewriting the import at bundle time keeps sources in zod's documented style.
 */
const zodNamespaceImport = {
  name: 'zod-namespace-import',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(/^import\s*\{\s*z\s*\}\s*from\s*(['"])zod\1;?/gm, "import * as z from 'zod';");
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * cdk8s and constructs load `crypto`, `child_process` and `os` when they load, for features
 * wi-gen does not use on a normal run (generated names, Helm, Include by URL, a temporary
 * directory); loading them is ~8% of a small render. Their uses are calls of module functions (createHash, spawnSync,
 * execFileSync), so a stand-in whose members load the module when called is equivalent. If a
 * dependency update changes these lines, nothing is replaced and only start-up gets slower.
 */
const DEFERRED_BUILTINS = ['crypto', 'child_process', 'os'];
const deferBuiltins = {
  name: 'defer-builtins',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/](cdk8s|constructs)[\\/]lib[\\/].*\.js$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      for (const name of DEFERRED_BUILTINS) {
        contents = contents.replaceAll(`__importStar(require("${name}"))`, `__wiGenDeferred("${name}")`).replaceAll(`require("${name}")`, `__wiGenDeferred("${name}")`);
      }
      return { contents, loader: 'js' };
    });
  },
};

/**
 * The same for wi-gen's own sources: `import { createHash } from 'node:crypto'` (GKE and Azure
 * names) and `node:child_process` (doctor) would load crypto (and with it streams) and
 * child_process (net, dgram, tty) at start-up, a fifth of what a small render spends before its
 * own code runs, for functions a normal render never calls or calls once. Each import resolves to
 * a module whose named exports load the builtin when first called. A name not listed here fails
 * the build ("No matching export"), so a new import cannot silently lose its function.
 */
const DEFERRED_SOURCE_EXPORTS = {
  crypto: ['createHash', 'randomBytes', 'randomUUID'],
  child_process: ['spawnSync', 'execFileSync', 'spawn', 'execFile'],
  // The writer's lock (hostname) and home check: a stream never calls them.
  os: ['homedir', 'hostname'],
};
const deferSourceBuiltins = {
  name: 'defer-source-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${Object.keys(DEFERRED_SOURCE_EXPORTS).join('|')})$`);
    b.onResolve({ filter }, (args) => {
      if (!/[\\/]src[\\/]/.test(args.importer)) return undefined;
      return { path: args.path.replace(/^node:/, ''), namespace: 'wi-gen-deferred' };
    });
    b.onLoad({ filter: /.*/, namespace: 'wi-gen-deferred' }, (args) => ({
      contents: DEFERRED_SOURCE_EXPORTS[args.path].map((name) => `export const ${name} = (...args) => require('node:${args.path}').${name}(...args);`).join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * `yaml` and `diff` are a third of the bundle (270 kB), and a render uses neither: specs are read by
 * src/spec/fast-yaml.ts and files written by src/format/yaml.ts, and only problems, the KRM
 * function, the kustomize plugin, doctor and check reach for them. V8 still scans every function
 * of a script it compiles (~1.3 ms per 100 kB without the code cache, ~0.2 ms with it), so each
 * lives in a file of its own in lib/ (VENDOR_BUNDLES), loaded on the first call of one of its
 * functions. Each name src/ imports from them resolves to a function that loads the file and
 * calls (or constructs) the real one; a name that is not a function there fails the build ("No
 * matching export"), so nothing can silently stand in for a value.
 */
export const VENDOR_BUNDLES = { yaml: 'lib/wi-gen-yaml.cjs', diff: 'lib/wi-gen-diff.cjs' };
const lazyVendors = {
  name: 'lazy-vendors',
  setup(b) {
    const names = Object.keys(VENDOR_BUNDLES);
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => {
      if (!/[\\/]src[\\/]/.test(args.importer)) return undefined;
      return { path: args.path, namespace: 'wi-gen-lazy-vendor' };
    });
    // The vendor file itself is read at run time, from beside the bundle.
    b.onResolve({ filter: /^\.\/wi-gen-[a-z]+\.cjs$/, namespace: 'wi-gen-lazy-vendor' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'wi-gen-lazy-vendor' }, (args) => {
      const file = `./${VENDOR_BUNDLES[args.path].slice('lib/'.length)}`;
      const real = createRequire(import.meta.url)(args.path);
      const functions = Object.keys(real).filter((name) => typeof real[name] === 'function' && /^[A-Za-z_$][\w$]*$/.test(name)).sort();
      const lines = [`let loaded;`, `const load = () => (loaded ??= require(${JSON.stringify(file)}));`];
      for (const name of functions) {
        lines.push(`export function ${name}(...args) { const real = load().${name}; return new.target ? Reflect.construct(real, args) : real.apply(this, args); }`);
      }
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/** lib/wi-gen-yaml.cjs and lib/wi-gen-diff.cjs: one package each, whole, for the lazy-vendors stand-ins. */
async function vendorBundle(name) {
  const result = await build({
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    preserveSymlinks: true,
    banner: { js: `// generated by scripts/build.mjs: the ${name} package, loaded by lib/wi-gen.cjs on first use - do not edit; run npm run build\n'use strict';` },
    legalComments: 'eof',
    write: false,
    absWorkingDir: root,
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) throw new Error(`esbuild warnings (${name}): ${result.warnings.map((w) => w.text).join('; ')}`);
  return withDigest(asciiOnly(result.outputFiles[0].text));
}

/**
 * Unminified, so a one-line change in src/ is a readable diff of the committed bundle; esbuild
 * still drops what is never used (tree shaking does not depend on minifying).
 */
export async function bundle({ minify = false } = {}) {
  const result = await build({
    entryPoints: [`${root}src/bundle.ts`],
    bundle: true,
    platform: 'node',
    // CommonJS, because a classic script can be compiled with vm.Script and V8's code cache
    // (lib/wi-gen-cli.cjs); Node 20 has no code cache for ES modules.
    format: 'cjs',
    target: 'node20',
    // Dependencies are bundled: one file to read and compile at start-up instead of ~300
    // modules to resolve, read and (for CommonJS) lex for their exports.
    minify,
    // Paths inside the bundle stay relative to this checkout even when node_modules is a
    // symlink, so every checkout builds the same bytes.
    preserveSymlinks: true,
    // cdk8s ships its own copy of yaml; one copy (the same version) is enough.
    alias: { yaml: `${root}node_modules/yaml` },
    plugins: [zodNamespaceImport, deferBuiltins, deferSourceBuiltins, lazyVendors],
    // Sources are ES modules: import.meta.url keeps meaning "this file's URL" (lib/ either way),
    // made when first read (only `wi-gen init` reads it; making a URL at load costs ~0.4 ms).
    define: { 'import.meta.url': '__wiGenImportMeta.url' },
    banner: {
      js: [
        '// generated by scripts/build.mjs from src/ and its dependencies - do not edit; run npm run build',
        // Strict like the ES modules it comes from (esbuild's own directive follows the banner).
        "'use strict';",
        "var __wiGenImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };",
        'var __wiGenDeferred = (name) => new Proxy({}, { get: (_, key) => (...args) => require(name)[key](...args) });',
      ].join('\n'),
    },
    legalComments: 'eof',
    write: false,
    absWorkingDir: root,
    logLevel: 'silent',
  });
  // A warning here (an unsupported construct in CommonJS output, say) is a broken CLI later.
  if (result.warnings.length > 0) {
    throw new Error(`esbuild warnings:\n${result.warnings.map((w) => `${w.location?.file ?? ''}:${w.location?.line ?? ''}: ${w.text}`).join('\n')}`);
  }
  return withDigest(asciiOnly(result.outputFiles[0].text));
}

/** The loader keys V8's code cache by this first line, so it never hashes a file at start-up. */
function withDigest(text) {
  return `// wi-gen bundle sha256-${createHash('sha256').update(text).digest('hex')}\n${text}`;
}

/**
 * The bundle as pure ASCII. esbuild escapes non-ASCII characters in strings, regular expressions
 * and identifiers, but keeps the comments it carries over (dependencies' JSDoc, ours) as they are:
 * a single '—' or '’' makes V8 hold the whole 1 MB source as a two-byte string (2 MB), which is
 * slower to decode and scan: ~1 ms a run, and the loader can then read the bundle as Latin-1.
 * Non-ASCII characters are therefore written as `\u{…}` in comments. One anywhere else means the
 * output is not what esbuild promised: the build fails rather than change a string.
 */
export function asciiOnly(text) {
  return text.replace(/^.*[^\x00-\x7f].*$/gm, (line) => {
    const comment = /^\s*(\/\/|\/\*|\*)/.exec(line);
    if (!comment) throw new Error(`non-ASCII character outside a comment in the bundle: ${line.slice(0, 200)}`);
    return line.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
  });
}

/** lib/cdk8s.cjs: src/cdk8s/ alone; its peers and the library stay outside. */
async function cdk8sEntry() {
  const library = {
    name: 'library-from-bundle',
    setup(b) {
      // The constructs share the bundle's library (one WeakMap of models) instead of a second copy.
      b.onResolve({ filter: /[\\/]lib[\\/]index\.js$/ }, () => ({ path: './wi-gen.cjs', external: true }));
    },
  };
  const result = await build({
    entryPoints: [`${root}src/cdk8s/index.ts`],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: PEERS,
    plugins: [library],
    banner: { js: '// generated by scripts/build.mjs from src/cdk8s/ — do not edit; run npm run build' },
    write: false,
    absWorkingDir: root,
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) throw new Error(`esbuild warnings: ${result.warnings.map((w) => w.text).join('; ')}`);
  return result.outputFiles[0].text;
}

/**
 * Declarations of both entries, by tsc. lib/index.d.ts must stand alone (src/lib/index.ts declares
 * every type it exports), so a consumer needs none of the inlined packages' types; the build fails
 * if it imports anything. The .d.cts copies type `require('wi-gen')`.
 */
function declarations() {
  const out = mkdtempSync(join(tmpdir(), 'wi-gen-dts-'));
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.lib.json`, '--outDir', out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
    const index = readFileSync(join(out, 'lib', 'index.d.ts'), 'utf8');
    if (/^\s*(import|export .* from)\b/m.test(index)) throw new Error(`lib/index.d.ts must not import anything:\n${index}`);
    const cdk8s = readFileSync(join(out, 'cdk8s', 'index.d.ts'), 'utf8');
    const header = '// generated by scripts/build.mjs (tsc) — do not edit; run npm run build\n';
    return {
      'lib/index.d.ts': header + index,
      'lib/index.d.cts': header + index,
      'lib/cdk8s.d.ts': header + cdk8s.replaceAll("'../lib/index.js'", "'./index.js'"),
      'lib/cdk8s.d.cts': header + cdk8s.replaceAll("'../lib/index.js'", "'./index.cjs'"),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Every generated file of lib/, by path relative to the root. */
export async function buildAll() {
  const [cli, constructs, ...vendors] = await Promise.all([bundle(), cdk8sEntry(), ...Object.keys(VENDOR_BUNDLES).map(vendorBundle)]);
  const vendorFiles = Object.fromEntries(Object.values(VENDOR_BUNDLES).map((path, i) => [path, vendors[i]]));
  return { 'lib/wi-gen.cjs': cli, 'lib/cdk8s.cjs': constructs, ...vendorFiles, ...declarations() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await buildAll();
  if (process.argv.includes('--check')) {
    const stale = Object.keys(files).filter((path) => {
      try {
        return readFileSync(`${root}${path}`, 'utf8') !== files[path];
      } catch {
        return true;
      }
    });
    if (stale.length > 0) {
      console.error(`${stale.join(', ')}: stale: run npm run build`);
      process.exit(1);
    }
  } else {
    for (const [path, text] of Object.entries(files)) {
      writeFileSync(`${root}${path}`, text, { mode: 0o644 });
      console.log(`wrote ${path} (${text.length} bytes)`);
    }
  }
}
