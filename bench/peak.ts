/** Child process of bench/memory.ts: `peak N` compiles and runs N equations, `per-value N` measures a full run; JSON out. */
import { compileSource, simulate } from '../engine/src/index.js';
import { cwmOfSize } from './compile-time.js';
import { measurePerValue } from './memory.js';

const [what, size] = [process.argv[2], Number(process.argv[3])];
if (what === 'per-value') {
  process.stdout.write(JSON.stringify(measurePerValue(size)));
} else {
  const heapMB = (): number => process.memoryUsage().heapUsed / 2 ** 20;
  const compiled = compileSource(cwmOfSize(size), 'peak.cwm');
  if (!compiled.model) throw new Error('peak model does not compile');
  const heapAfterCompileMB = heapMB();
  const result = simulate(compiled.model);
  const heapAfterRunMB = heapMB();
  process.stdout.write(JSON.stringify({ equations: size, peakRssMB: process.resourceUsage().maxRSS / 1024, heapAfterCompileMB, heapAfterRunMB, saved: result.times.length }));
}
