import { describe, expect, test } from 'vitest';
import { compileSource, simulate, type RunResult } from '../engine/src/index.js';

/**
 * The WebAssembly kernel computes graphs, DELAY pipelines and PREVIOUS in WebAssembly, records the
 * saved values in its own memory and computes calls repeated over array elements once per call
 * of a function. Each must give exactly the interpreter's numbers.
 */

function same(a: RunResult, b: RunResult): string | undefined {
  if (a.times.length !== b.times.length) return `lengths differ: ${a.times.length} vs ${b.times.length}`;
  for (let i = 0; i < a.series.length; i++) {
    const x = a.series[i]!;
    const y = b.series[i]!;
    if (x.name !== y.name) return `series ${i}: ${x.name} vs ${y.name}`;
    for (let t = 0; t < x.values.length; t++) if (!Object.is(x.values[t], y.values[t])) return `${x.name} at ${a.times[t]}: ${x.values[t]} vs ${y.values[t]}`;
  }
  return a.error?.message === b.error?.message ? undefined : `errors differ: ${a.error?.message} vs ${b.error?.message}`;
}

const areas = Array.from({ length: 40 }, (_, i) => `a${i + 1}`).join(', ');
const model = `simulation
  start: 0
  stop: 30
  dt: 0.25
  save every: 1
dimension Area: ${areas}
const base[Area] = ${Array.from({ length: 40 }, (_, i) => String(1 + (i % 7) / 3)).join(', ')}
graph shape = 0
  points: (0, 0.5), (1, 1), (2, 1.8), (4, 2), (8, 1.2)
graph steps = 0
  points: (0, 1), (5, 2), (10, 3)
  interpolation: discrete
graph trend = 0
  points: (2, 1), (6, 3)
  interpolation: extrapolate
graph single = 0
  points: (1, 7)
  interpolation: extrapolate
aux demand[Area] = base * (1 + 0.3 * SIN(TIME / 4)) * steps(TIME) + trend(TIME - 4) + single(TIME)
aux pressure[Area] = shape(stock[Area] / 10) + shape(-1) + shape(99) + steps(-3)
aux wobble[Area] = shape(if TIME > 28 then 0 / 0 else TIME / 5)
stock stock[Area] = 5
  inflow: arriving
  outflow: leaving
flow arriving[Area] = demand
flow leaving[Area] = DELAY(arriving * pressure, 2.5 + base, 1) + DELAY(arriving, 0.1)
aux last[Area] = PREVIOUS(leaving, 3) + trend(PREVIOUS(TIME, -1))
aux total = SUM(stock[*]) + SUM(last[*])
`;

describe('the WebAssembly kernel without JavaScript in its steps', () => {
  test('graphs (continuous, discrete, extrapolated, one point, NaN inputs), DELAY pipelines and PREVIOUS agree bit for bit with the interpreter', () => {
    const wasm = compileSource(model, 'native.cwm', { backend: 'wasm' });
    expect(wasm.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(wasm.model!.backend).toBe('wasm');
    const reference = compileSource(model, 'native.cwm', { backend: 'interpreter' }).model!;
    for (const method of ['euler', 'rk2', 'rk4'] as const) {
      for (const saveEvery of [0.25, 1, 5]) {
        const a = simulate(wasm.model!, { method, saveEvery });
        const b = simulate(reference, { method, saveEvery });
        expect(same(a, b), `${method}, saving every ${saveEvery}`).toBeUndefined();
        expect(a.error?.time, 'the NaN graph input stops the run near its end').toBeCloseTo(28.25, 6);
      }
    }
  });

  test('runs of different lengths and recordings in turn reuse the kernel memory correctly', () => {
    const wasm = compileSource(model, 'native.cwm', { backend: 'wasm' }).model!;
    const reference = compileSource(model, 'native.cwm', { backend: 'interpreter' }).model!;
    const runs = [{ dt: 0.125 }, { vars: ['total'] }, { dt: 0.5, saveEvery: 0.5 }, {}, { dt: 0.0625, vars: ['stock[a3]', 'leaving[a40]'] }, { method: 'rk4', saveEvery: 3.5, vars: ['total'] }, { method: 'rk2', dt: 0.5, saveEvery: 1.5 }, { method: 'rk4', vars: [] }] as const;
    for (const options of runs) expect(same(simulate(wasm, options), simulate(reference, options)), JSON.stringify(options)).toBeUndefined();
  });

  test('a run stopping early keeps only what it saved, with the rest of the store zero', () => {
    const source = 'simulation\n  start: 0\n  stop: 8\n  dt: 0.5\nconst c = 1\n' + Array.from({ length: 40 }, (_, i) => `stock s${i} = ${i}\n  inflow: f${i}\nflow f${i} = DELAY(c, 1) + 1 / (TIME - 3)\n`).join('');
    const wasm = simulate(compileSource(source, 'stop.cwm', { backend: 'wasm' }).model!);
    const reference = simulate(compileSource(source, 'stop.cwm', { backend: 'interpreter' }).model!);
    expect(wasm.error?.time).toBe(3);
    expect(same(wasm, reference)).toBeUndefined();
  });

  test('models differing only in numbers share compiled modules and memory, and runs of each in turn give each its own numbers', () => {
    const variant = (k: number, points: string): string => model.replace('const base[Area] = ', `const k = ${k}\nconst base[Area] = `).replace('aux total = SUM(stock[*])', 'aux total = k * SUM(stock[*])').replace('points: (0, 0.5), (1, 1), (2, 1.8), (4, 2), (8, 1.2)', `points: ${points}`);
    const sources = [variant(1, '(0, 0.5), (1, 1), (2, 1.8), (4, 2), (8, 1.2)'), variant(2.5, '(0, 0.5), (1, 1.5), (2, 1.8), (4, 2), (8, 1.2)'), variant(1, '(0, 1), (3, 2), (9, 0.5)')];
    const wasm = sources.map((s) => compileSource(s, 'v.cwm', { backend: 'wasm' }).model!);
    const reference = sources.map((s) => simulate(compileSource(s, 'v.cwm', { backend: 'interpreter' }).model!));
    for (const i of [0, 1, 2, 0, 2, 1, 1, 0]) expect(same(simulate(wasm[i]!), reference[i]!), `variant ${i}`).toBeUndefined();
    expect(same(reference[0]!, reference[1]!)).toBeDefined();
  });
});
