/**
 * Where the files shipped beside the code live (templates/, schema/, plugins/, overlays/): the
 * package root, found by walking up from this module. The same code runs from src/ (tests),
 * from the committed bundle lib/wi-gen.cjs, and from node_modules/wi-gen in a user's repo.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'wi-gen') {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the wi-gen package root (package.json named wi-gen) above the running code');
    dir = parent;
  }
}
