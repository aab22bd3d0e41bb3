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
const { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');

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

/** Node 20: the bundle as a vm.Script with V8's cached data of an earlier run. */
function runWithHandMadeCache() {
  const { Script } = require('node:vm');
  // Latin-1 is ASCII here: the build writes the bundle as pure ASCII (non-ASCII characters only
  // ever appear escaped), and decoding it as such skips UTF-8 validation of 1 MB on every run.
  const source = readFileSync(bundle).toString('latin1');
  // The build writes the bundle's digest on its first line; no digest, no cache.
  const digest = /^\/\/ wi-gen bundle sha256-([0-9a-f]{64})\n/.exec(source.slice(0, 100))?.[1];
  // Runs that write a tree (-o DIR, render) compile the writer, README and Terraform code a stream
  // never runs: each kind keeps its own cache, so neither deserializes the other's functions nor
  // compiles its own afresh on every run because the other kind's cache came first.
  const args = process.argv.slice(2);
  const writesTree = args[0] === 'render' || args.some((a) => a === '-o' || a === '--output' || a.startsWith('--output='));
  const cache = directory && digest ? join(directory, `${digest.slice(0, 32)}-${process.version}-${process.arch}${writesTree ? '-tree' : ''}.v8cache`) : undefined;
  let cachedData;
  if (cache) {
    try {
      cachedData = readFileSync(cache);
    } catch {
      // first run with this bundle and Node, or an unreadable cache
    }
  }
  // Node's own CommonJS wrapper, so the bundle sees the usual module scope.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: bundle, ...(cachedData ? { cachedData } : {}) });

  // Written after the run, so it holds the functions the command compiled, not only the top
  // level. Help and version runs compile almost nothing: the first real command makes the cache.
  const trivial = args.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-v');
  // Serializing the cache costs ~4 ms, a tenth of a small render, and pays only where wi-gen runs
  // again with the same cache directory: a run that finds no wi-gen cache directory at all (a
  // fresh home, a CI job or container that is thrown away) only makes the directory, and the next
  // run there, finding it, stores the cache.
  const directoryExisted = cache !== undefined && !cachedData && isDirectory(directory);
  if (cache && !trivial && (!cachedData || script.cachedDataRejected)) {
    process.once('exit', (code) => {
      // A failed run may have stopped anywhere; the next one makes the cache.
      if (code !== 0 || !makeCacheDirectory(directory)) return;
      if (!cachedData && !directoryExisted) return;
      const temporary = `${cache}.${process.pid}.tmp`;
      try {
        writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        renameSync(temporary, cache);
        pruneStale(directory, cache);
      } catch {
        try {
          rmSync(temporary, { force: true });
        } catch {
          // nothing more to do: the next run tries again
        }
      }
    });
  }

  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, createRequire(bundle), loaded, bundle, dirname(bundle));
  // The bundle is also the library (lib/index.mjs): loading it runs nothing, the CLI starts here.
  loaded.exports.runCli();
  // The command is done and its output written (synchronously). Left to end by itself, the
  // process would first run the garbage collection V8 has scheduled meanwhile (~1.5 ms, a
  // twentieth of a small render). The CLI starts no asynchronous work; ticks already queued (a
  // process warning, say) run before this one, and 'exit' handlers (the cache above) still run.
  process.nextTick(() => process.exit());
}

/** Caches of other bundles (upgrades, other projects' versions) are removed a month after they were made. */
function pruneStale(dir, current) {
  const old = Date.now() - 30 * 24 * 3600 * 1000;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.v8cache') && !name.endsWith('.tmp')) continue;
    const path = join(dir, name);
    // This bundle's caches (one per kind of run) stay, however old; its stray temporaries do not.
    const ours = name.endsWith('.v8cache') && name.startsWith(basename(current).slice(0, 32));
    if (path !== current && !ours && statSync(path).mtimeMs < old) rmSync(path, { force: true });
  }
}
