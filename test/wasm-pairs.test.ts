import { describe, expect, test } from 'vitest';
import { compileSource, simulate } from '../engine/src/index.js';
import type { IExpr } from '../engine/src/ir/ir.js';
import { pairable } from '../engine/src/compile/wasm-pairs.js';
import { sameNumbers } from './helpers.js';

/**
 * The WebAssembly kernel computes neighbouring equations of the same shape two at a time (f64x2).
 * Each lane must give exactly the scalar result, NaN, infinities and −0 included, and equations
 * reading the other lane's result must stay one at a time.
 */

const slot = (i: number): IExpr => ({ k: 'slot', i });
const num = (v: number): IExpr => ({ k: 'num', v });
const bin = (op: '+' | '-' | '*' | '/' | '^', a: IExpr, b: IExpr): IExpr => ({ k: 'bin', op, a, b });

describe('which equations pair', () => {
  test('the same operations over the next slots, the same slot, numbers, time and dt pair', () => {
    expect(pairable(bin('/', slot(0), bin('+', slot(9), num(0.1))), bin('/', slot(1), bin('+', slot(9), num(0.2))), [20, 21])).toBe(true);
    expect(pairable({ k: 'nary', op: 'min', args: [slot(3), { k: 'time' }] }, { k: 'nary', op: 'min', args: [slot(4), { k: 'time' }] }, [20, 21])).toBe(true);
    expect(pairable({ k: 'fn', fn: 'sqrt', args: [slot(3)] }, { k: 'fn', fn: 'sqrt', args: [slot(4)] }, [20, 21])).toBe(true);
  });

  test('different operations, slots not next to each other, powers, conditions and reads of either result do not', () => {
    expect(pairable(bin('+', slot(0), slot(1)), bin('-', slot(1), slot(2)), [20, 21])).toBe(false);
    expect(pairable(slot(0), slot(2), [20, 21])).toBe(false);
    expect(pairable(bin('^', slot(0), num(2)), bin('^', slot(1), num(2)), [20, 21])).toBe(false);
    expect(pairable({ k: 'if', c: slot(0), a: slot(1), b: slot(2) }, { k: 'if', c: slot(1), a: slot(2), b: slot(3) }, [20, 21])).toBe(false);
    // the second equation reads the first one's result: computed together it would read the old value
    expect(pairable(bin('+', slot(19), num(1)), bin('+', slot(20), num(1)), [20, 21])).toBe(false);
    expect(pairable({ k: 'fn', fn: 'exp', args: [slot(3)] }, { k: 'fn', fn: 'exp', args: [slot(4)] }, [20, 21])).toBe(false);
  });
});

const areas = 9;
const list = (f: (i: number) => string): string => Array.from({ length: areas }, (_, i) => f(i)).join(', ');
const model = `simulation
  start: 0
  stop: 12
  dt: 0.25
  save every: 0.5
dimension Area: ${list((i) => `a${i + 1}`)}
const base[Area] = ${list((i) => String(i === 3 ? 0 : (i % 4) - 1.5))}
const weight[Area] = ${list((i) => String(i === 5 ? -0 : 1 + i / 7))}
const shared = 3
stock level[Area] = base * 10
  inflow: growth
  outflow: decay
flow growth[Area] = (base + shared * TIME) / (weight + 1) - DT * base
flow decay[Area] = MIN(level / 4, MAX(weight, base * 2)) + ABS(base) * 0.1
aux ratio[Area] = level / (weight + 2)
aux late[Area] = 1 / (TIME - 6 - base)
aux root[Area] = SQRT(ABS(level)) + INT(level / 3)
aux negative[Area] = -(level * weight) + SUM(base[*])
aux extremes[Area] = level + MIN(level[*]) - MAX(growth[*])
aux mixed[Area] = level * 2
  [a4] = level[a3] + 1
  [a5] = mixed[a4] + 1
  [a6] = mixed[a5] + 1
`;

describe('equations computed two at a time', () => {
  test('agree bit for bit with the interpreter: arithmetic, MIN/MAX, ABS, SQRT, INT, negation, TIME and DT, divisions by zero, −0 and NaN', () => {
    const wasm = compileSource(model, 'pairs.cwm', { backend: 'wasm' });
    expect(wasm.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(wasm.model!.backend).toBe('wasm');
    const reference = compileSource(model, 'pairs.cwm', { backend: 'interpreter' }).model!;
    for (const method of ['euler', 'rk2', 'rk4'] as const) {
      const a = simulate(wasm.model!, { method });
      const b = simulate(reference, { method });
      expect(sameNumbers(a, b), method).toBeUndefined();
      // 1 / (TIME − 6 − base) is first infinite where base is −1.5, at TIME 4.5, after 18 steps in pairs
      expect([a.error?.variable, a.error?.time]).toEqual(['late[a1]', 4.5]);
    }
  });

  test('a chain of elements each reading the one before is computed one at a time, and right', () => {
    const source = model.replace('const base[Area] = ', 'const base[Area] = 1, 2, 3, 4, 5, 6, 7, 8, 9\nconst unused[Area] = ').replace('aux late[Area] = 1 / (TIME - 6 - base)\n', '');
    const wasm = simulate(compileSource(source, 'chain.cwm', { backend: 'wasm' }).model!);
    const reference = simulate(compileSource(source, 'chain.cwm', { backend: 'interpreter' }).model!);
    expect(wasm.error).toBeUndefined();
    expect(sameNumbers(wasm, reference)).toBeUndefined();
    const at = (name: string): number => wasm.series.find((s) => s.name === name)!.values[0]!;
    // mixed[a6] = mixed[a5] + 1 = mixed[a4] + 2 = level[a3] + 3, with level[a3] = base[a3] * 10 = 30 at the start
    expect([at('mixed[a4]'), at('mixed[a5]'), at('mixed[a6]')]).toEqual([31, 32, 33]);
  });

  test('an apply-to-all division compiles to f64x2 divisions', () => {
    const bytes = compileSource(model, 'pairs.cwm', { backend: 'wasm' }).model!.wasm!;
    let divisions = 0;
    for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0xfd && bytes[i + 1] === 0xf3 && bytes[i + 2] === 0x01) divisions++;
    expect(divisions).toBeGreaterThan(0);
  });
});
