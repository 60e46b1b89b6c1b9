/**
 * `npm run bench`: our engine against C (gcc -O2) and SDEverywhere, compile-time scaling,
 * edit-to-result latency and memory. Prints tables and writes bench/results.json. A benchmark, not
 * a test: it never decides a CI run. Every engine's results are checked to agree before timing.
 * `--quick` runs fewer rounds and skips the 10,000-stock models; `--only=c,sde,compile,live,sensitivity`
 * runs only those sections, keeping the other sections of the previous bench/results.json (each
 * section's date is recorded). Each section also records the machine's load average when it ran.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileTime, growth } from './compile-time.js';
import { editToResult } from './latency.js';
import { bytesPerStoredValue, peakMemory } from './memory.js';
import { ageing, carePathway, chain, sample } from './models.js';
import { readText } from './sde.js';
import { ms, ratio, table, verdict } from './table.js';
import { benchVsC } from './vs-c.js';
import { benchVsSde } from './vs-sde.js';
import { benchSensitivity, formatSensitivity } from './sensitivity-bench.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const want = (section: string): boolean => !only || only.includes(section);
const rounds = quick ? 5 : 9;
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, here.includes('/dist/') ? '../..' : '..');
const samples = resolve(root, '../shared/test-models/samples');
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const SECTIONS = ['c', 'sde', 'compile', 'live', 'sensitivity'] as const;
/** One-minute load average as each section starts (2 cores: above 2, other work competes for them). */
const loads: Record<string, number> = {};
const started = (section: string): void => void (loads[section] = loadavg()[0]!);

const vsC = [];
if (want('c')) {
started('c');
log('vs C (gcc -O2) ...');
const cModels = quick ? [chain(1000), ageing(), carePathway()] : [chain(1000), chain(10000), ageing(), carePathway()];
vsC.push(...cModels.flatMap((m) => (log(`  ${m.name}`), benchVsC(m, ['euler', 'rk4'], rounds))));
console.log(table('Run time vs the same model in C (gcc -O2), full recording; ratio = ours / C',
  ['model', 'method', 'slots', 'steps', 'ours ms', 'C ms', 'ratio', 'agree', 'target ≤1.5'],
  vsC.map((r) => [r.model, r.method, String(r.slots), String(r.steps), ms(r.run.ours.median), ms(r.run.theirs.median), ratio(r.run.ratio, r.run.spread), r.difference === 0 ? 'exact' : r.difference.toExponential(0), r.slots >= 5000 ? verdict(r.run.ratio <= 1.5) : '-'])));
}

const vsSde = [];
if (want('sde')) {
started('sde');
log('vs SDEverywhere ...');
const sdeModels = [
  sample('teacup', readText(join(samples, 'teacup/teacup.mdl')), ['Teacup Temperature', 'Heat Loss to Room']),
  sample('SIR', readText(join(samples, 'SIR/SIR.mdl')), ['Susceptible', 'Infectious', 'Recovered']),
  chain(1000),
  ...(quick ? [] : [chain(10000)]),
  ageing(),
];
for (const m of sdeModels) {
  log(`  ${m.name}`);
  vsSde.push(await benchVsSde(m, rounds));
}
console.log(table('vs SDEverywhere 0.7 (Euler); ratio = ours / theirs',
  ['model', 'run: ours ms', 'SDE JS ms', 'ratio', 'SDE C ms', 'ratio', 'compile: ours ms', 'SDE JS ms', 'ratio', 'targets ≤1.0'],
  vsSde.map((r) => [r.model, ms(r.runJs.ours.median), ms(r.runJs.theirs.median), ratio(r.runJs.ratio, r.runJs.spread), ms(r.runC.theirs.median), ratio(r.runC.ratio, r.runC.spread),
    ms(r.compileJs.ours.median), ms(r.compileJs.theirs.median), ratio(r.compileJs.ratio, r.compileJs.spread), `${verdict(r.runJs.ratio <= 1)}/${verdict(r.compileJs.ratio <= 1)}`])));
}

let compile;
if (want('compile')) {
started('compile');
log('compile time ...');
const sizes = [1000, 10000, 50000].map((n) => (log(`  ${n}`), compileTime(n, quick ? 3 : 5)));
const growths = [growth(sizes[0]!, sizes[1]!), growth(sizes[1]!, sizes[2]!)];
compile = { sizes, growths };
console.log(table('Compile time, text to runnable kernel (warm compiler)',
  ['equations', 'median ms', 'spread', 'parse', 'check', 'lower+kernel', 'growth exponent', 'target'],
  sizes.map((s, i) => [String(s.equations), ms(s.total.median), `±${(s.total.spread * 50).toFixed(0)}%`, ms(s.stages.parse), ms(s.stages.check), ms(s.stages.lowerAndKernel), i === 0 ? '' : growths[i - 1]!.toFixed(2), s.equations === 10000 ? verdict(s.total.median < 1000) : ''])));
}

let live;
if (want('live')) {
started('live');
log('edit-to-result, memory ...');
const latency = editToResult(2000, quick ? 10 : 25);
const perValue = bytesPerStoredValue(10000);
const peak = peakMemory(50000);
console.log(table('Live editing and memory', ['measure', 'value', 'target'], [
  [`edit-to-result, ${latency.variables} variables, ${latency.steps} steps (median ±IQR/2)`, `${ms(latency.latency.median)} ms ±${(latency.latency.spread * 50).toFixed(0)}%`, verdict(latency.latency.median < 50)],
  [`bytes per stored value, full run (${perValue.values} values)`, perValue.perValue.toFixed(2), verdict(perValue.perValue <= 8.5)],
  [`peak RSS, ${peak.equations} equations compiled and run`, `${peak.peakRssMB.toFixed(0)} MB`, ''],
  [`heap after compile / after run, ${peak.equations} equations`, `${peak.heapAfterCompileMB.toFixed(0)} / ${peak.heapAfterRunMB.toFixed(0)} MB`, ''],
]));
live = { latency, memory: { perValue, peak } };
}

// Sensitivity analysis (issue 5's figures): runs/s on 1 and 2 worker threads, and their scaling.
let sensitivity;
if (want('sensitivity')) {
  started('sensitivity');
  log('sensitivity (1 and 2 workers) ...');
  sensitivity = await benchSensitivity(quick ? 3 : 5, quick ? 2000 : 10_000);
  console.log(`\n${formatSensitivity(sensitivity)}`);
}

// With --only, the sections not run keep their figures from the previous results.json.
const file = join(root, 'bench/results.json');
const previous = (only && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as Record<string, unknown>;
const sections = {
  vsC: want('c') ? vsC : previous['vsC'],
  vsSde: want('sde') ? vsSde : previous['vsSde'],
  compileTime: compile ?? previous['compileTime'],
  live: live ?? previous['live'],
  sensitivity: sensitivity ?? previous['sensitivity'],
};
const earlier = typeof previous['date'] === 'string' ? Object.fromEntries(['c', 'sde', 'compile', 'live'].map((k) => [k, previous['date']])) : {};
const dates = { ...earlier, ...(previous['dates'] as object | undefined), ...Object.fromEntries(SECTIONS.filter(want).map((k) => [k, new Date().toISOString()])) };
const loadAverages = { ...(previous['loadAverages'] as object | undefined), ...loads };
const results = { node: process.version, cpus: cpus().length, quick, dates, loadAverages, ...sections };
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
log('wrote bench/results.json');
