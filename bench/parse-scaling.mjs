#!/usr/bin/env node
// Spec loading must be linear in the number of keys (issue 15: 80k top-level keys took 598 s).
// Loads specs with N and 2N keys in-process and prints t(N), t(2N) and their ratio per shape;
// exits 1 when a CPU-time ratio is above --max-ratio (default 2.1) or a load takes over --max-ms (2000) wall.
//
//   node --import tsx bench/parse-scaling.mjs                 sizes up to the 1 MiB spec limit
//   node --import tsx bench/parse-scaling.mjs --runs 5        more runs per size (the fastest counts)
import { parseAllDocuments } from 'yaml';
import { loadSpec, MAX_SPEC_BYTES } from '../src/spec/load.ts';
import { scalingShapes } from './scaling-shapes.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const runs = Number(option('runs', '3'));
const maxRatio = Number(option('max-ratio', '2.1'));
const maxMs = Number(option('max-ms', '2000'));

/** The fastest run: on a shared machine the others measure the neighbours. */
function fastest(xs) {
  return Math.min(...xs);
}

/** Fastest wall time and fastest CPU time (this process, ms) of `runs` loads. */
function timeLoad(text, load = (t) => loadSpec(t, { file: 'spec.yaml' })) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    load(text);
    const used = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: fastest(wall), cpu: fastest(cpu) };
}

let failed = false;
console.log('| shape | N | bytes(2N) | wall t(N) ms | wall t(2N) ms | wall ratio | CPU t(N) ms | CPU t(2N) ms | CPU ratio |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const shape of scalingShapes) {
  const n = shape.largestHalf;
  const small = shape.make(n);
  const large = shape.make(2 * n);
  if (Buffer.byteLength(large) > MAX_SPEC_BYTES) throw new Error(`${shape.name}: 2N spec is over the size limit`);
  timeLoad(shape.make(1000)); // warm up the JIT
  const a = timeLoad(small);
  const b = timeLoad(large);
  // The ratio is judged on CPU time: wall time on a shared machine includes the neighbours.
  const ratio = b.cpu / a.cpu;
  if (ratio > maxRatio || b.wall > maxMs) failed = true;
  const ms = (x) => x.toFixed(0);
  console.log(`| ${shape.name} | ${n} | ${Buffer.byteLength(large)} | ${ms(a.wall)} | ${ms(b.wall)} | ${(b.wall / a.wall).toFixed(2)} | ${ms(a.cpu)} | ${ms(b.cpu)} | ${ratio.toFixed(2)} |`);
}
// The floor: the yaml library alone (parse + toJS) on the largest valid shape. Its own ratio,
// from garbage collection on a growing heap, is what a linear loader can reach at best.
{
  const shape = scalingShapes[0];
  const yamlOnly = (t) => parseAllDocuments(t, { version: '1.2', uniqueKeys: false })[0].toJS();
  const a = timeLoad(shape.make(shape.largestHalf), yamlOnly);
  const b = timeLoad(shape.make(2 * shape.largestHalf), yamlOnly);
  const ms = (x) => x.toFixed(0);
  console.log(`| yaml library alone, ${shape.name} (reference) | ${shape.largestHalf} | | ${ms(a.wall)} | ${ms(b.wall)} | ${(b.wall / a.wall).toFixed(2)} | ${ms(a.cpu)} | ${ms(b.cpu)} | ${(b.cpu / a.cpu).toFixed(2)} |`);
}
process.exitCode = failed ? 1 : 0;
