// Runs the CLI bundle lib/wi-gen.cjs (built by scripts/build.mjs) through V8's code cache.
//
// Compiling the bundle's functions is a third of a small render's time. Node 22 caches that
// (module.enableCompileCache); Node 20 does not, so this does what it does: compile the bundle
// as a vm.Script with the cached data of an earlier run, and after a successful run without
// usable data, store what V8 compiled. The cache lives in $XDG_CACHE_HOME/wi-gen (default
// ~/.cache/wi-gen), keyed by a hash of Node's version and the bundle's bytes; V8 rejects data
// from another V8 or other flags, and the run then stores fresh data. NODE_DISABLE_COMPILE_CACHE=1
// turns it off, as on Node 22. Output never depends on the cache; a cache that cannot be read or
// written is skipped silently.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = fileURLToPath(new URL('./wi-gen.cjs', import.meta.url));
const source = readFileSync(bundle, 'utf8');

function cacheFile() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const home = require('node:os').homedir();
  const base = process.env.XDG_CACHE_HOME || (home ? join(home, '.cache') : '');
  if (!base) return undefined;
  const key = require('node:crypto').createHash('sha256').update(`${process.version}\0${process.arch}\0`).update(source).digest('hex');
  return join(base, 'wi-gen', `${key.slice(0, 32)}.v8cache`);
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
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  ...(cachedData ? { cachedData } : {}),
});

if (cache && (!cachedData || script.cachedDataRejected)) {
  process.once('exit', (code) => {
    // Only after a successful run, so the cache holds the functions a render compiles.
    if (code !== 0) return;
    const temporary = `${cache}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(cache), { recursive: true, mode: 0o700 });
      writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      renameSync(temporary, cache);
    } catch {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // nothing more to do: the next run tries again
      }
    }
  });
}

const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
