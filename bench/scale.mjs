// Scale: wi-gen's stream and -o DIR at N bindings against the bare cdk8s-plus-27 app that
// produces the same annotated ServiceAccounts from the same spec (bench/reference/app.mjs,
// bundled with esbuild in this run as wi-gen's CLI is). Targets: no slower than the reference at
// 1,000 and 10,000; growth t(2N)/t(N) ≤ 2.1; peak RSS ≤ 12 KB per binding at 10,000.
// What the sides do: the streams are the same objects (checked below at the first size); -o DIR
// is wi-gen's whole tree (manifests, Components, cloud scripts, Terraform, README) against the
// reference's one manifest file, as the target is stated.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { writeScaleCase } from './generate.mjs';
import { comparisonRow, cpuOf, measure, valueRow } from './measure.mjs';

async function buildReference(root, work) {
  const outfile = join(work, 'reference.cjs');
  await build({ entryPoints: [join(root, 'bench', 'reference', 'app.mjs')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent', absWorkingDir: root });
  return outfile;
}

/** The stream without comment lines (wi-gen's header): the objects as text. */
const objectsText = (text) => text.split('\n').filter((l) => !l.startsWith('#')).join('\n').trim();

export async function scaleSection({ root, work, bin, runs, warmup, sizes, budgetMs }) {
  const node = process.execPath;
  const reference = await buildReference(root, work);
  const rows = [];
  const results = new Map();
  for (const [k, n] of sizes.entries()) {
    const dir = join(work, `scale-${n}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const c = writeScaleCase(dir, n, { layout: false });
    if (k === 0) {
      const ours = spawnSync(node, [bin, c.spec], { encoding: 'utf8', maxBuffer: 1 << 30 });
      const theirs = spawnSync(node, [reference, c.spec], { encoding: 'utf8', maxBuffer: 1 << 30 });
      if (ours.status !== 0 || theirs.status !== 0) throw new Error(`scale ${n}: ${ours.stderr}${theirs.stderr}`);
      if (objectsText(ours.stdout) !== objectsText(theirs.stdout)) throw new Error(`scale ${n}: the reference app does not print the objects wi-gen prints`);
    }
    const timeoutMs = 600_000;
    const gated = n === 1000 || n === 10000;
    // The reference runs where a target compares with it (and at the first size); elsewhere only
    // wi-gen's growth is measured, which keeps the full run within minutes.
    const withReference = gated || k === 0;
    const commands = [
      { label: 'wi-gen SPEC', argv: [node, bin, c.spec], timeoutMs },
      { label: 'wi-gen SPEC -o DIR', argv: [node, bin, c.spec, '-o', join(dir, 'out'), '--quiet'], timeoutMs },
    ];
    if (withReference) {
      commands.push(
        { label: 'cdk8s-plus-27 app', argv: [node, reference, c.spec], timeoutMs },
        { label: 'cdk8s-plus-27 app --outdir DIR', argv: [node, reference, c.spec, '--outdir', join(dir, 'dist')], timeoutMs },
      );
    }
    const [wiStream, wiDir, refStream, refDir] = measure(work, commands, { runs, warmup, budgetMs });
    results.set(n, { wiStream, refStream, wiDir, refDir });
    const size = `${n.toLocaleString('en-US')} bindings`;
    if (withReference) {
      rows.push(comparisonRow(`scale: ${size}: ${wiStream.label}`, wiStream, refStream, gated ? 1.0 : undefined));
      rows.push(comparisonRow(`scale: ${size}: ${wiDir.label}`, wiDir, refDir, gated ? 1.0 : undefined));
    } else {
      for (const r of [wiStream, wiDir]) rows.push(valueRow(`scale: ${size}: ${r.label}`, r, '–', '–', undefined));
    }
    if (n === 10000) {
      for (const r of [wiStream, wiDir]) {
        const perBinding = (r.rss.median * 1024) / n;
        rows.push(valueRow(`memory: ${size}: ${r.label}, peak RSS per binding`, r, `${perBinding.toFixed(1)} KB`, '≤ 12 KB', r.stopped ? 'not measured' : perBinding <= 12));
      }
    }
  }
  for (const n of sizes) {
    if (!results.has(2 * n)) continue;
    const [a, b] = [results.get(n), results.get(2 * n)];
    for (const key of ['wiStream', 'wiDir', 'refStream', 'refDir']) {
      if (!a[key] || !b[key]) continue;
      const ratio = b[key].wall.median / a[key].wall.median;
      const cpu = cpuOf(b[key]) / cpuOf(a[key]);
      const ours = key.startsWith('wi') && n >= 1000;
      const stopped = a[key].stopped || b[key].stopped;
      rows.push(
        valueRow(
          `growth: ${b[key].label}: t(${(2 * n).toLocaleString('en-US')}) / t(${n.toLocaleString('en-US')})`,
          b[key],
          stopped ? 'not measured' : `${ratio.toFixed(2)} (CPU ${cpu.toFixed(2)})`,
          ours ? '≤ 2.1' : '–',
          ours ? (stopped ? 'not measured' : ratio <= 2.1) : undefined,
        ),
      );
    }
  }
  return rows;
}
