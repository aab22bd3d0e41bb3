// Fuzzing beyond loadSpec + render: the CLI surfaces issue 15 found weak. Each case drives one
// surface with generated input and a hostile twist, and counts what the closing figures count:
// crashes (exit 3, a stack trace), hangs (killed at the timeout), leaks (a marker from the
// environment in the output), escapes (a payload's file appeared, or a file outside DIR changed),
// and writers killed mid-write that left exactly one tree.
//
//   surfaces: large (inputs up to and past 1 MiB), fn (ResourceLists of many items), plugin
//   (generator configs, /dev/zero, FIFOs), check (tampered trees), overwrite (a render over an
//   existing tree with foreign files), artifacts (bash -n on scripts, README commands run inert,
//   terraform fmt on the HCL), kill (SIGKILL at a random moment).
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../src/cli/writer.js';
import { specArbitrary, type FuzzCase } from './fuzz.js';
import { binPath, readTree, writtenTree } from './wi-gen.js';
import { hasTool, run, tmpDir } from './tools.js';

export const SURFACES = ['large', 'fn', 'plugin', 'check', 'overwrite', 'artifacts', 'kill'] as const;
export type Surface = (typeof SURFACES)[number];

export interface SurfaceStats {
  inputs: number;
  bySurface: Record<string, number>;
  crashes: string[];
  hangs: string[];
  leaks: string[];
  escapes: string[];
  wrong: string[];
  killsSurvived: number;
}

const MARKER = 'wi-gen-fuzz-marker-5f1c';
const TIMEOUT_MS = 30_000;

const wiGen = (args: string[], cwd: string, input?: string) =>
  run(process.execPath, [binPath, ...args], { cwd, input, timeoutMs: TIMEOUT_MS, env: { WI_GEN_FUZZ_MARKER: MARKER } });

const sameTree = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** Judges one CLI run: exit 3 or a stack trace is a crash, the timeout a hang, the marker a leak. */
function judgeRun(stats: SurfaceStats, label: string, r: { code: number; stdout: string; stderr: string }, allowed: readonly number[]): boolean {
  if (r.code === 124) stats.hangs.push(label);
  else if (r.code === 3 || /internal error|\n\s+at /.test(r.stderr)) stats.crashes.push(`${label}: ${r.stderr.slice(0, 500)}`);
  else if (!allowed.includes(r.code)) stats.wrong.push(`${label}: exit ${r.code}: ${r.stderr.slice(0, 500)}`);
  if ((r.stdout + r.stderr).includes(MARKER)) stats.leaks.push(label);
  return allowed.includes(r.code);
}

/** Shell commands of a README: ```sh blocks and inline code that starts with a command. */
export function readmeCommands(text: string): string[] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const inline = [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string).filter((c) => /^(wi-gen|kubectl|az|aws|gcloud|vault|bash|terraform|helm) /.test(c));
  return [...blocks, ...inline];
}

function configMaps(count: number, hostile: string): string {
  const items: string[] = [];
  for (let i = 0; i < count; i++) items.push(`  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: cm-${i}}\n    data: {v: ${JSON.stringify(i % 7 === 0 ? hostile : 'x'.repeat(i % 300))}}`);
  return items.join('\n');
}

export async function fuzzSurfaces(runs: number, seed: number): Promise<SurfaceStats> {
  const stats: SurfaceStats = { inputs: 0, bySurface: {}, crashes: [], hangs: [], leaks: [], escapes: [], wrong: [], killsSurvived: 0 };
  const { seedSpecs } = await import('./fuzz.js');
  const seeds = seedSpecs();
  const cases = fc.sample(specArbitrary(seeds), { numRuns: runs, seed });
  const numbers = fc.sample(fc.nat({ max: 1_000_000 }), { numRuns: runs * 4, seed: seed + 7 });
  const hostile = ['$(echo>pwned)', '`echo>pwned`', "';echo>pwned;'", '0o17', 'constructor', '__proto__', 'a\nb: c', '\u001b[2J'];
  for (const [i, c] of cases.entries()) {
    const surface = SURFACES[i % SURFACES.length] as Surface;
    const n = (k: number) => numbers[(i * 4 + k) % numbers.length] as number;
    const label = `surface ${surface} case ${i} (seed ${seed}, ${c.category} ${c.seed})`;
    const dir = tmpDir('wi-gen-fuzz-surface-');
    stats.inputs++;
    stats.bySurface[surface] = (stats.bySurface[surface] ?? 0) + 1;
    const valid = seeds[n(0) % seeds.length] as { name: string; text: string };
    const twist = hostile[n(1) % hostile.length] as string;
    switch (surface) {
      case 'large': {
        // A valid spec grown by labels to a random size around the 1 MiB limit.
        const target = 200_000 + (n(2) % 1_000_000);
        const per = 24;
        const labels = Array.from({ length: Math.floor(target / per) }, (_, k) => `    l${k}: v${k % 10}\n`).join('');
        const text = valid.text.replace(/^kind: WorkloadIdentitySpec\n/m, `kind: WorkloadIdentitySpec\nmetadata:\n  name: big\n  labels:\n${labels}`);
        if (/^metadata:/m.test(valid.text)) break; // seeds with their own metadata are grown elsewhere
        const started = Date.now();
        const r = wiGen(['-'], dir, text);
        judgeRun(stats, label, r, [0, 2]);
        if (Date.now() - started > 20_000) stats.hangs.push(`${label}: ${Buffer.byteLength(text)} bytes took ${Date.now() - started} ms`);
        if (Buffer.byteLength(text) > 1024 * 1024 && r.code !== 2) stats.wrong.push(`${label}: an oversized spec was not refused`);
        break;
      }
      case 'fn': {
        const count = n(2) % 6000;
        const spec = new TextDecoder().decode(c.bytes);
        const fnConfig = spec.split('\n').map((l) => `  ${l}`).join('\n');
        const input = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${count ? configMaps(count, twist) : '  []'}\nfunctionConfig:\n${fnConfig}\n`;
        const r = wiGen(['fn'], dir, input);
        if (!judgeRun(stats, label, r, [0, 1, 2])) break;
        if (r.code === 0) {
          const names = new Set([...r.stdout.matchAll(/name: (cm-\d+)/g)].map((m) => m[1]));
          if (names.size !== count) stats.wrong.push(`${label}: ${count} ConfigMaps in, ${names.size} out`);
        }
        break;
      }
      case 'plugin': {
        const kind = n(2) % 4;
        let config = join(dir, 'config.yaml');
        if (kind === 0) config = '/dev/zero';
        else if (kind === 1) run('mkfifo', [config]);
        else writeFileSync(config, c.bytes);
        judgeRun(stats, label, wiGen(['plugin', config], dir), [0, 2]);
        break;
      }
      case 'check': {
        writeFileSync(join(dir, 'spec.yaml'), valid.text);
        if (!judgeRun(stats, `${label} (render)`, wiGen(['spec.yaml', '-o', 'out'], dir), [0])) break;
        const out = join(dir, 'out');
        const files = [...readTree(out).keys()];
        const victim = join(out, files[n(2) % files.length] as string);
        const tamper = n(3) % 6;
        rmSync(victim, { force: true });
        if (tamper === 0) symlinkSync('/proc/self/environ', victim);
        else if (tamper === 1) run('mkfifo', [victim]);
        else if (tamper === 2) symlinkSync('/dev/zero', victim);
        else if (tamper === 3) writeFileSync(victim, `${twist}\n`);
        else if (tamper === 4) {
          writeFileSync(victim, 'x\n');
          chmodSync(victim, 0o666);
        }
        // tamper 5: the file is simply gone
        const r = wiGen(['check', 'spec.yaml', '-o', 'out'], dir);
        judgeRun(stats, label, r, victim.endsWith(MANIFEST_FILE) && tamper <= 2 ? [2] : [1]);
        break;
      }
      case 'overwrite': {
        writeFileSync(join(dir, 'a.yaml'), valid.text);
        writeFileSync(join(dir, 'b.yaml'), c.bytes);
        if (!judgeRun(stats, `${label} (first)`, wiGen(['a.yaml', '-o', 'out'], dir), [0])) break;
        mkdirSync(join(dir, 'out', 'mine'), { recursive: true });
        writeFileSync(join(dir, 'out', 'mine', 'notes.txt'), 'mine\n');
        const before = readTree(join(dir, 'out'));
        const r = wiGen(['b.yaml', '-o', 'out'], dir);
        if (!judgeRun(stats, label, r, [0, 2])) break;
        const after = readTree(join(dir, 'out'));
        // Over a's tree, b's record carries a's grants to prune: read back from `after` (test/lifecycle.test.ts checks prune itself).
        const expected = r.code === 0 ? writtenTree(c.bytes, 'b.yaml', after) : before;
        if (expected && r.code === 0) expected.set('mine/notes.txt', 'mine\n');
        if (!expected || !sameTree(after, expected)) stats.wrong.push(`${label}: exit ${r.code} left a tree that is neither the old one nor the new one`);
        if (readdirSync(dir).some((name) => name.startsWith('.wi-gen-'))) stats.wrong.push(`${label}: left ${readdirSync(dir).filter((x) => x.startsWith('.wi-gen-')).join(', ')}`);
        break;
      }
      case 'artifacts': {
        writeFileSync(join(dir, 'spec.yaml'), c.bytes);
        const r = wiGen(['spec.yaml', '-o', 'out'], dir);
        if (!judgeRun(stats, label, r, [0, 2]) || r.code !== 0) break;
        const tree = readTree(join(dir, 'out'));
        for (const [path, text] of tree) {
          if (path.endsWith('.sh')) {
            const syntax = run('/bin/bash', ['-n', join(dir, 'out', path)]);
            if (syntax.code !== 0) stats.escapes.push(`${label}: ${path} does not parse: ${syntax.stderr.slice(0, 300)}`);
          }
          if (path === 'README.md') {
            const empty = tmpDir('wi-gen-nopath-');
            for (const command of readmeCommands(text)) {
              run('/bin/bash', ['-c', `command_not_found_handle() { return 0; }\n${command}`], { cwd: dir, env: { PATH: empty }, timeoutMs: 10_000 });
            }
          }
        }
        if (hasTool('terraform') && existsSync(join(dir, 'out', 'cloud', 'terraform'))) {
          const fmt = run('terraform', ['fmt', '-check', '-recursive', join(dir, 'out', 'cloud', 'terraform')]);
          if (fmt.code !== 0) stats.escapes.push(`${label}: Terraform does not parse or is not fmt-clean: ${fmt.stderr.slice(0, 300)}${fmt.stdout.slice(0, 300)}`);
        }
        if (readdirSync(dir).some((name) => name.startsWith('pwned'))) stats.escapes.push(`${label}: a README command ran a payload`);
        break;
      }
      case 'kill': {
        writeFileSync(join(dir, 'a.yaml'), valid.text);
        const other = seeds[(n(0) + 1) % seeds.length] as { text: string };
        writeFileSync(join(dir, 'b.yaml'), other.text);
        if (!judgeRun(stats, `${label} (first)`, wiGen(['a.yaml', '-o', 'out'], dir), [0])) break;
        const child = spawn(process.execPath, [binPath, 'b.yaml', '-o', 'out'], { cwd: dir, stdio: 'ignore' });
        const closed = new Promise((resolveClose) => child.on('close', resolveClose));
        await new Promise((r) => setTimeout(r, 30 + (n(2) % 300)));
        child.kill('SIGKILL');
        await closed;
        const out = join(dir, 'out');
        const mid = existsSync(out) ? readTree(out) : undefined;
        const trees = mid ? ([writtenTree(valid.text, 'a.yaml', mid), writtenTree(other.text, 'b.yaml', mid)] as Map<string, string>[]) : [];
        if (mid && !trees.some((t) => sameTree(t, mid))) {
          stats.wrong.push(`${label}: a kill left a mixed tree`);
          break;
        }
        // The next run repairs whatever the kill left (DIR between the renames included).
        const again = wiGen(['b.yaml', '-o', 'out'], dir);
        if (judgeRun(stats, `${label} (after the kill)`, again, [0]) && sameTree(readTree(out), writtenTree(other.text, 'b.yaml', readTree(out)) as Map<string, string>)) stats.killsSurvived++;
        else stats.wrong.push(`${label}: the run after a kill did not leave B's tree`);
        break;
      }
    }
    if (existsSync(join(dir, 'pwned'))) stats.escapes.push(`${label}: a payload ran`);
  }
  return stats;
}

/** One line per figure, for the test output and the closing report. */
export function describeStats(s: SurfaceStats): string {
  const per = Object.entries(s.bySurface).map(([k, v]) => `${k} ${v}`).join(', ');
  return `surfaces: ${s.inputs} inputs (${per}); crashes ${s.crashes.length}, hangs ${s.hangs.length}, leaks ${s.leaks.length}, escapes ${s.escapes.length}, wrong ${s.wrong.length}, kills survived ${s.killsSurvived}`;
}

