// Runs the CLI bundle lib/wi-gen.cjs (built by scripts/build.mjs) through V8's code cache.
//
// Compiling the bundle's functions is a third of a small render's time. Node 22 caches that
// (module.enableCompileCache); Node 20 does not, so this does what it does: compile the bundle
// as a vm.Script with the cached data of an earlier run, and after a successful run without
// usable data, store what V8 compiled. The cache lives in $XDG_CACHE_HOME/wi-gen (default
// ~/.cache/wi-gen), keyed by the bundle's digest and Node's version; V8 rejects data
// from another V8 or other flags, and the run then stores fresh data. NODE_DISABLE_COMPILE_CACHE=1
// turns it off, as on Node 22. Output never depends on the cache; a cache that cannot be read or
// written is skipped silently.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = fileURLToPath(new URL('./wi-gen.cjs', import.meta.url));
const source = readFileSync(bundle, 'utf8');

function cacheFile() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  // The build writes the bundle's digest on its first line; no digest, no cache.
  const digest = /^\/\/ wi-gen bundle sha256-([0-9a-f]{64})\n/.exec(source.slice(0, 100))?.[1];
  if (!digest) return undefined;
  const home = process.env.HOME || require('node:os').homedir();
  const base = process.env.XDG_CACHE_HOME || (home ? join(home, '.cache') : '');
  if (!base) return undefined;
  return join(base, 'wi-gen', `${digest.slice(0, 32)}-${process.version}-${process.arch}.v8cache`);
}

const cache = cacheFile();
let cachedData;
if (cache) {
  try {
    cachedData = readFileSync(cache);
  } catch {
    // first run with this bundle and Node
  }
}

// Node's own CommonJS wrapper, so the bundle sees the usual module scope.
const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
let script;
if (cache && !cachedData) {
  // Compiled eagerly when the cache is made, so it holds every function and not only those the
  // first command happened to call (`--help` would leave out the whole renderer).
  const v8 = require('node:v8');
  v8.setFlagsFromString('--no-lazy');
  try {
    script = new Script(wrapped, { filename: bundle });
  } finally {
    v8.setFlagsFromString('--lazy');
  }
} else {
  script = new Script(wrapped, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
}

if (cache && (!cachedData || script.cachedDataRejected)) {
  process.once('exit', (code) => {
    // A failed run may have stopped anywhere; the next one makes the cache.
    if (code !== 0) return;
    const temporary = `${cache}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(cache), { recursive: true, mode: 0o700 });
      writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      renameSync(temporary, cache);
      pruneStale(dirname(cache));
    } catch {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // nothing more to do: the next run tries again
      }
    }
  });
}

/** Caches of other bundles (upgrades, other projects' versions) are removed a month after they were made. */
function pruneStale(dir) {
  const old = Date.now() - 30 * 24 * 3600 * 1000;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.v8cache') && !name.endsWith('.tmp')) continue;
    const path = join(dir, name);
    if (path !== cache && statSync(path).mtimeMs < old) rmSync(path, { force: true });
  }
}

const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
// The bundle is also the library (lib/index.mjs): loading it runs nothing, the CLI starts here.
module.exports.runCli();
