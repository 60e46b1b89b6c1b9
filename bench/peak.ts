/** Child process of bench/memory.ts: compiles and runs one model, then reports its memory as JSON. */
import { compileSource, simulate } from '../engine/src/index.js';
import { cwmOfSize } from './compile-time.js';

const equations = Number(process.argv[2]);
const heapMB = (): number => process.memoryUsage().heapUsed / 2 ** 20;
const text = cwmOfSize(equations);
const compiled = compileSource(text, 'peak.cwm');
if (!compiled.model) throw new Error('peak model does not compile');
const heapAfterCompileMB = heapMB();
const result = simulate(compiled.model);
const heapAfterRunMB = heapMB();
process.stdout.write(JSON.stringify({ equations, peakRssMB: process.resourceUsage().maxRSS / 1024, heapAfterCompileMB, heapAfterRunMB, saved: result.times.length }));
