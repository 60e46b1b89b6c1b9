import { describe, expect, test } from 'vitest';
import { compileSource, formatDiagnostic, simulate } from '../engine/src/index.js';
import { rng, sameNumbers } from './helpers.js';

/**
 * Builds a random but valid model: stocks with bounded flows, auxes over earlier variables using
 * the whole builtin library, an arrayed part with reductions, graphs and random draws.
 */
function randomModel(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const num = (): string => (r() < 0.5 ? String(Math.round(r() * 100) / 10) : String(Math.round(r() * 1000) / 1000));
  const nStocks = 1 + Math.floor(r() * 4);
  const nAux = 2 + Math.floor(r() * 8);
  const stocks = Array.from({ length: nStocks }, (_, i) => `s${i}`);
  const consts = ['c0', 'c1', 'c2'];
  const lines: string[] = [
    'simulation',
    '  start: 0',
    `  stop: ${4 + Math.floor(r() * 8)}`,
    `  dt: ${pick(['1', '0.5', '0.25', '1/8'])}`,
    `  seed: ${Math.floor(r() * 1000)}`,
    'dimension D: a, b, c',
    ...consts.map((c) => `const ${c} = ${num()}`),
    'graph g = 0',
    `  points: (0, ${num()}), (1, ${num()}), (2.5, ${num()}), (4, ${num()})`,
    `  interpolation: ${pick(['continuous', 'extrapolate', 'discrete'])}`,
    'const w[D] = 1, 2, 3',
  ];
  const known: string[] = [...stocks, ...consts, 'TIME'];
  const expr = (depth: number): string => {
    if (depth <= 0 || r() < 0.25) return r() < 0.3 ? num() : pick(known);
    const a = (): string => expr(depth - 1);
    switch (Math.floor(r() * 28)) {
      case 0: return `(${a()} + ${a()})`;
      case 1: return `(${a()} - ${a()})`;
      case 2: return `(${a()} * ${a()})`;
      case 3: return `SAFEDIV(${a()}, ${a()}, ${num()})`;
      case 4: return `ABS(${a()})^0.5`;
      case 5: return `SIN(${a()})`;
      case 6: return `ARCTAN(${a()})`;
      case 7: return `MIN(${a()}, ${a()})`;
      case 8: return `MAX(${a()}, ${a()})`;
      case 9: return `if ${a()} > ${a()} then ${a()} else ${a()}`;
      case 10: return `IF_THEN_ELSE(${a()} <= ${num()} and ${a()} <> 0, ${a()}, ${a()})`;
      case 11: return `STEP(${num()}, ${num()})`;
      case 12: return `PULSE(${num()}, ${num()}, ${pick(['0', '1', '2.5'])})`;
      case 13: return `RAMP(${num()}, ${num()}, ${num()})`;
      case 14: return `SMTH1(${a()}, ${1 + Math.floor(r() * 3)})`;
      case 15: return `DELAY1(${a()}, ${1 + Math.floor(r() * 3)}, ${num()})`;
      case 16: return `DELAY3(${a()}, ${1 + Math.floor(r() * 3)})`;
      case 17: return `SMTHN(${a()}, 2, ${1 + Math.floor(r() * 4)})`;
      case 18: return `DELAY(${a()}, ${pick(['0.5', '1', '1.75', '3'])})`;
      case 19: return `PREVIOUS(${a()}, ${num()})`;
      case 20: return `INIT(${a()})`;
      case 21: return `TREND(1 + ABS(${a()}), 2)`;
      case 22: return `g(${a()})`;
      case 23: return `UNIFORM(0, ${a()})`;
      case 24: return `NORMAL(${a()}, 1)`;
      case 25: return `MOD(${a()}, 3) + INT(${a()}) + ROUND(${a()})`;
      case 26: return `SUM(w[*] * ${a()}) + MEAN(w[*]) + MAX(w[*])`;
      default: return `POISSON(ABS(ARCTAN(${a()})) * 3)`;
    }
  };
  for (let i = 0; i < nAux; i++) {
    lines.push(`aux x${i} = ${expr(3)}`);
    known.push(`x${i}`);
  }
  lines.push(`aux arr[D] = w * ${pick(known)} + ${expr(2)}`);
  lines.push('aux total = SUM(arr[*])');
  known.push('total');
  for (const s of stocks) {
    lines.push(`stock ${s} = ${num()}`, `  inflow: ${s}_in`, `  outflow: ${s}_out`);
    if (r() < 0.3) lines.push('  non-negative');
    lines.push(`flow ${s}_in = ARCTAN(${expr(3)})`);
    lines.push(`flow ${s}_out = ${s} * 0.1`);
  }
  return lines.join('\n');
}

describe('compiled kernels (WebAssembly and JavaScript) vs reference interpreter', () => {
  test('agree bit for bit on 300 random models with every method', () => {
    let compared = 0;
    let clean = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const source = randomModel(seed);
      const interpreted = compileSource(source, `random-${seed}.cwm`, { backend: 'interpreter' });
      for (const backend of ['wasm', 'generated'] as const) {
        const compiled = compileSource(source, `random-${seed}.cwm`, { backend });
        const errors = compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
        expect(errors, source).toEqual([]);
        expect(compiled.model!.backend).toBe(backend);
        for (const method of ['euler', 'rk2', 'rk4'] as const) {
          const a = simulate(compiled.model!, { method });
          const b = simulate(interpreted.model!, { method });
          const difference = sameNumbers(a, b);
          expect(difference, `model ${seed}, ${backend}, ${method}:\n${source}`).toBeUndefined();
          compared++;
          if (!a.error) clean++;
        }
        // Saving every 1 time unit leaves steps unsaved, which the WebAssembly kernel runs in one call.
        const sparse = { method: 'euler', saveEvery: 1 } as const;
        const difference = sameNumbers(simulate(compiled.model!, sparse), simulate(interpreted.model!, sparse));
        expect(difference, `model ${seed}, ${backend}, saving every 1:\n${source}`).toBeUndefined();
      }
    }
    expect(compared).toBe(1800);
    // The generator keeps values bounded, so most runs go to the end (the comparison is meaningful).
    expect(clean).toBeGreaterThan(1400);
  });

  test('a value going infinite between saves is reported at its own step, on every backend', () => {
    const source = 'simulation\n  start: 0\n  stop: 4\n  dt: 0.25\n  save every: 1\nstock s = 1\n  inflow: f\n  non-negative\nflow f = -0.5 + 1 / (TIME - 1.5)\n';
    for (const backend of ['wasm', 'generated', 'interpreter'] as const) {
      const result = simulate(compileSource(source, 'inf.cwm', { backend }).model!);
      expect(result.error?.time, backend).toBe(1.5);
      expect(result.error?.variable, backend).toBe('f');
      expect([...result.times], backend).toEqual([0, 1]);
    }
  });

  test('models differing only in constants or graph points share compiled step code, each with its own numbers', () => {
    const model = (k: number, y: number): string =>
      `simulation\n  start: 0\n  stop: 5\n  dt: 0.5\nstock s = 10\n  outflow: f\nflow f = s * k * g(TIME)\nconst k = ${k}\ngraph g = 0\n  points: (0, 1), (5, ${y})\n`;
    const runs = [model(0.1, 2), model(0.3, 2), model(0.1, 4)].map((source) => {
      const wasm = compileSource(source, 'm.cwm', { backend: 'wasm' }).model!;
      return { wasm, reference: simulate(compileSource(source, 'm.cwm', { backend: 'interpreter' }).model!) };
    });
    for (const { wasm, reference } of runs) expect(sameNumbers(simulate(wasm), reference)).toBeUndefined();
    expect(runs[0]!.reference.series[0]!.values).not.toEqual(runs[1]!.reference.series[0]!.values);
  });

  test('by default, tiny models get the JavaScript kernel and larger ones WebAssembly', () => {
    const stocks = (n: number): string => Array.from({ length: n }, (_, i) => `stock s${i} = ${i}\n  outflow: f${i}\nflow f${i} = s${i} / 4\n`).join('');
    expect(compileSource(stocks(3), 'tiny.cwm').model!.backend).toBe('generated');
    expect(compileSource(stocks(40), 'larger.cwm').model!.backend).toBe('wasm');
  });

  test('the generated kernel really is generated code over slot indices', () => {
    const generated = compileSource(randomModel(7), 'm.cwm', { backend: 'generated' });
    expect(generated.model!.source).toMatch(/v\[\d+\] = /);
    const wasm = compileSource(randomModel(7), 'm.cwm', { backend: 'wasm' });
    expect(wasm.model!.backend).toBe('wasm');
    expect([...wasm.model!.wasm!.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
    const interpreted = compileSource(randomModel(7), 'm.cwm', { backend: 'interpreter' });
    expect(interpreted.model!.source).toBe('');
  });
});
