// The bin's loader (bin/wi-gen.cjs; bin/wi-gen.mjs and lib/wi-gen.mjs for older paths): runs the
// CLI bundle lib/wi-gen.cjs (built by scripts/build.mjs) through V8's code cache. CommonJS, like
// the bin, because loading an ES module starts Node's ES module loader: ~6 ms of CPU on every
// run, a tenth of Node's own start.
//
// Compiling the bundle's functions is a third of a small render's time. Node ≥ 22 caches that
// itself (module.enableCompileCache), and this loader only points it at wi-gen's cache directory.
// Node 20 has no such cache, so there the loader does the same by hand: it compiles the bundle
// as a vm.Script with the cached data of an earlier run and, after a successful run without
// usable data, stores what V8 compiled during that run (the functions the command used; no V8
// flags are changed at run time); the very first run in a cache directory only makes it. The cache lives in $XDG_CACHE_HOME/wi-gen (default
// ~/.cache/wi-gen); the Node 20 files are keyed by the bundle's digest, Node's version and the
// kind of run (stream, or a tree written), and V8 rejects data from another V8 or other flags
// (the run then stores fresh data).
// NODE_DISABLE_COMPILE_CACHE=1 turns both off, as on Node 22. Output never depends on the cache,
// and a cache that cannot be read or written costs no more than having none: nothing is
// retried and nothing is reported.
'use strict';
const { createRequire, enableCompileCache } = require('node:module');
const { closeSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const bundle = join(__dirname, 'wi-gen.cjs');

/** $XDG_CACHE_HOME/wi-gen, or undefined when caching is off or there is no home. */
function cacheDirectory() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const home = process.env.HOME || require('node:os').homedir();
  const base = process.env.XDG_CACHE_HOME || (home ? join(home, '.cache') : '');
  return base ? join(base, 'wi-gen') : undefined;
}

/**
 * Makes `dir` and its parent, one mkdir each, and says whether `dir` is now a directory.
 * Not `mkdirSync(dir, { recursive: true })`: where mkdir answers ENOENT for a parent that exists
 * (anything under /proc, a dangling symlink) Node's recursive mkdir retries forever
 * (nodejs/node's MKDirpSync, the same in Node 20 and 22), and the CLI would never exit.
 */
function makeCacheDirectory(dir) {
  for (const d of [dirname(dir), dir]) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (error) {
      if (error?.code !== 'EEXIST') return false;
    }
  }
  return isDirectory(dir);
}

function isDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const directory = cacheDirectory();

if (typeof enableCompileCache === 'function') {
  // Node ≥ 22.1. NODE_COMPILE_CACHE, when set, has already enabled Node's own cache.
  if (directory && !process.env.NODE_COMPILE_CACHE && makeCacheDirectory(directory)) {
    try {
      enableCompileCache(join(directory, 'node-compile-cache'));
    } catch {
      // a cache that cannot be enabled is no cache
    }
  }
  require(bundle).runCli();
} else {
  runWithHandMadeCache();
}

/**
 * Node 20: the bundle as a vm.Script with V8's cached data of an earlier run. The files the bundle
 * loads on first use (lib/wi-gen-yaml.cjs, lib/wi-gen-diff.cjs: see scripts/build.mjs) come
 * through here too, each with a cache of its own.
 */
function runWithHandMadeCache() {
  const { Script } = require('node:vm');
  // Runs that write a tree (-o DIR, render) compile the writer, README and Terraform code a stream
  // never runs: each kind keeps its own cache, so neither deserializes the other's functions nor
  // compiles its own afresh on every run because the other kind's cache came first.
  const args = process.argv.slice(2);
  const writesTree = args[0] === 'render' || args.some((a) => a === '-o' || a === '--output' || a.startsWith('--output='));
  // Help and version runs compile almost nothing: the first real command makes the cache.
  const trivial = args.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-v');
  /** Scripts compiled without usable cached data: their cache is written once the run is done. */
  const toStore = [];
  /** A script had no usable cached data: the run makes the cache directory (and stores toStore). */
  let uncached = false;
  // Serializing a cache costs ~4 ms, a tenth of a small render, and pays only where wi-gen runs
  // again with the same cache directory: a run that finds no wi-gen cache directory at all (a
  // fresh home, a CI job or container that is thrown away) only makes the directory, and the next
  // run there, finding it, stores the caches. Asked at most once, before anything is made.
  let directoryExisted;
  const cacheDirectoryExisted = () => (directoryExisted ??= isDirectory(directory));

  /** Compiles and runs one CommonJS file of lib/ through the cache; returns its exports. */
  function load(file, kind) {
    // Latin-1 is ASCII here: the build writes these files as pure ASCII (non-ASCII characters
    // only ever appear escaped), and decoding as such skips UTF-8 validation on every run.
    const source = readFileSync(file).toString('latin1');
    // The build writes the file's digest on its first line; no digest, no cache.
    const digest = /^\/\/ wi-gen bundle sha256-([0-9a-f]{64})\n/.exec(source.slice(0, 100))?.[1];
    const cache = directory && digest ? join(directory, `${digest.slice(0, 32)}-${process.version}-${process.arch}${kind}.v8cache`) : undefined;
    let cachedData;
    if (cache) {
      try {
        cachedData = readFileSync(cache);
      } catch {
        // first run with this file and Node, or an unreadable cache
      }
    }
    // Node's own CommonJS wrapper, so the file sees the usual module scope.
    const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
    const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
    // Written after the run, so it holds the functions the command compiled, not only the top level.
    if (cache && !trivial && (!cachedData || script.cachedDataRejected)) {
      uncached = true;
      if (cachedData || cacheDirectoryExisted()) toStore.push({ script, cache });
    }
    const loaded = { exports: {} };
    script.runInThisContext()(loaded.exports, requireFrom(file), loaded, file, dirname(file));
    return loaded.exports;
  }

  /** `require` for a file of lib/: its siblings `./wi-gen-*.cjs` through load(), anything else as Node does. */
  const siblings = new Map();
  function requireFrom(file) {
    const nodeRequire = createRequire(file);
    const lazy = (id) => {
      if (!id.startsWith('./wi-gen-') || !/^\.\/wi-gen-[a-z]+\.cjs$/.test(id)) return nodeRequire(id);
      let exports = siblings.get(id);
      if (!exports) {
        exports = load(join(dirname(file), id), '');
        siblings.set(id, exports);
      }
      return exports;
    };
    return Object.assign(lazy, nodeRequire);
  }

  if (directory && !trivial) {
    process.once('exit', (code) => {
      // A failed run may have stopped anywhere; the next one makes the cache.
      if (!uncached || code !== 0 || !makeCacheDirectory(directory) || toStore.length === 0) return;
      for (const { script, cache } of toStore) {
        const temporary = `${cache}.${process.pid}.tmp`;
        try {
          writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
          renameSync(temporary, cache);
        } catch {
          try {
            rmSync(temporary, { force: true });
          } catch {
            // nothing more to do: the next run tries again
          }
        }
      }
      try {
        pruneStale(directory);
      } catch {
        // pruning is housekeeping: the next run that stores a cache tries again
      }
    });
  }

  // The bundle is also the library (lib/index.mjs): loading it runs nothing, the CLI starts here.
  const running = load(bundle, writesTree ? '-tree' : '').runCli();
  // The command is done and its output written (synchronously), or, for a command writing a tree,
  // will be once its files are synced on the thread pool. Left to end by itself, the process
  // would first run the garbage collection V8 has scheduled meanwhile (~1.5 ms, a twentieth of a
  // small render). The CLI starts no other asynchronous work; ticks already queued (a process
  // warning, say) run before this one, and 'exit' handlers (the caches above) still run.
  const exitSoon = () => process.nextTick(() => process.exit());
  if (running && typeof running.then === 'function') running.then(exitSoon, exitSoon);
  else exitSoon();
}

/**
 * Caches of other versions of the files (upgrades, other projects' copies) are removed a month
 * after they were made; the caches of the files in this lib/ (one per kind of run) stay, however
 * old, and so do temporaries younger than that.
 */
function pruneStale(dir) {
  const current = new Set();
  for (const name of readdirSync(__dirname)) {
    if (!/^wi-gen(-[a-z]+)?\.cjs$/.test(name)) continue;
    const head = Buffer.alloc(100);
    const fd = openSync(join(__dirname, name), 'r');
    try {
      readSync(fd, head, 0, 100, 0);
    } finally {
      closeSync(fd);
    }
    const digest = /^\/\/ wi-gen bundle sha256-([0-9a-f]{64})\n/.exec(head.toString('latin1'))?.[1];
    if (digest) current.add(digest.slice(0, 32));
  }
  const old = Date.now() - 30 * 24 * 3600 * 1000;
  for (const name of readdirSync(dir)) {
    const temporary = name.endsWith('.tmp');
    if (!name.endsWith('.v8cache') && !temporary) continue;
    if (!temporary && current.has(name.slice(0, 32))) continue;
    const path = join(dir, name);
    if (statSync(path).mtimeMs < old) rmSync(path, { force: true });
  }
}
