import { describe, expect, test } from 'vitest';
import { encodeModule, hostHasSimd } from '../engine/src/compile/wasm-encode.js';
import { blockRows, clampFunction, flushFunction, loopFunctions, recordFunction, SAVE_BLOCK, saveFunction, type LoopFunction } from '../engine/src/compile/wasm-loops.js';
import { rng } from './helpers.js';

/**
 * The integrator's loops in WebAssembly, with and without SIMD, against the formulas written out
 * in JavaScript (the JavaScript integrator's own expressions): every value must be the same double.
 * Odd and even state counts exercise the vector part and the scalar tail.
 */

type Exports = Record<string, (...args: number[]) => number>;

function instantiate(functions: LoopFunction[], pages: number): { exports: Exports; memory: WebAssembly.Memory } {
  const types: { params: readonly number[]; results: readonly number[] }[] = [];
  const typeOf = (f: LoopFunction): number => {
    const i = types.findIndex((t) => t.params.join() === f.params.join() && t.results.join() === f.results.join());
    return i >= 0 ? i : types.push({ params: f.params, results: f.results }) - 1;
  };
  const bytes = encodeModule({
    types,
    imports: [],
    functions: functions.map((f) => ({ type: typeOf(f), locals: f.locals, body: f.body })),
    memoryPages: pages,
    exports: functions.map((f, i) => [f.name, i] as const),
  });
  const memory = new WebAssembly.Memory({ initial: pages });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { rt: { mem: memory } });
  return { exports: instance.exports as unknown as Exports, memory };
}

/** Values of every kind a state can hold: ordinary, tiny, huge, negative zero. */
function randomValues(n: number, next: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = next();
    out[i] = u < 0.05 ? -0 : u < 0.1 ? (next() - 0.5) * 1e300 : u < 0.15 ? (next() - 0.5) * 1e-300 : (next() - 0.5) * 100;
  }
  return out;
}

describe('the WebAssembly integrator loops', () => {
  test('this host has WebAssembly SIMD (so the vector loops are the ones the kernels run)', () => {
    expect(hostHasSimd()).toBe(true);
  });

  for (const simd of [true, false]) {
    for (const nState of [1, 2, 7, 64, 1001]) {
      test(`${simd ? 'SIMD' : 'scalar'} loops, ${nState} stocks: Euler, RK2, RK4, stages and the check agree bit for bit with JavaScript`, () => {
        const nDynamic = nState * 3 + 1;
        const slots = nDynamic + 5;
        const base = slots * 8;
        const k = [base, base + nState * 8, base + 2 * nState * 8, base + 3 * nState * 8] as const;
        const s0 = base + 4 * nState * 8;
        const { exports, memory } = instantiate(loopFunctions({ k, s0, nState, nDynamic, simd }), 4);
        const f64 = new Float64Array(memory.buffer);
        const next = rng(nState * 31 + (simd ? 1 : 0));
        const v = (): Float64Array => f64.subarray(0, slots);
        const arr = (offset: number): Float64Array => f64.subarray(offset / 8, offset / 8 + nState);
        const fill = (): void => {
          v().set(randomValues(slots, next));
          for (const o of [...k, s0]) arr(o).set(randomValues(nState, next));
        };
        const dt = 0.1 + next();
        const check = (name: string, run: () => void, expected: (s: number, before: { v: Float64Array; k: Float64Array[]; s0: Float64Array }) => number): void => {
          fill();
          const before = { v: v().slice(), k: k.map((o) => arr(o).slice()), s0: arr(s0).slice() };
          run();
          for (let s = 0; s < nState; s++) {
            const want = expected(s, before);
            const got = name === 'save_state' ? arr(s0)[s]! : v()[s]!;
            if (!Object.is(got, want)) throw new Error(`${name}, stock ${s}: ${got} instead of ${want}`);
          }
          // nothing beyond the state is written (slots nState… keep their values)
          expect(Array.from(v().subarray(nState))).toEqual(Array.from(before.v.subarray(nState)));
        };
        check('euler', () => exports['euler']!(dt), (s, b) => b.v[s]! + dt * b.k[0]![s]!);
        check('save_state', () => exports['save_state']!(), (s, b) => b.v[s]!);
        for (const which of [1, 2, 3] as const) {
          check(`stage ${which}`, () => exports['stage']!(dt / 2, k[which - 1]! - k[0]), (s, b) => b.s0[s]! + (dt / 2) * b.k[which - 1]![s]!);
        }
        check('rk2', () => exports['rk2']!(dt), (s, b) => b.s0[s]! + (dt / 2) * (b.k[0]![s]! + b.k[1]![s]!));
        check('rk4', () => exports['rk4']!(dt), (s, b) => b.s0[s]! + (dt / 6) * (b.k[0]![s]! + 2 * b.k[1]![s]! + 2 * b.k[2]![s]! + b.k[3]![s]!));

        // The check: finite for finite slots, not finite as soon as any one of them is NaN or infinite.
        v().set(randomValues(slots, next).map((x) => x / 1e10));
        expect(Number.isFinite(exports['check_sum']!())).toBe(true);
        for (const at of [0, nDynamic - 1, Math.floor(nDynamic / 2)]) {
          for (const bad of [Number.NaN, Infinity, -Infinity]) {
            const kept = v()[at]!;
            v()[at] = bad;
            expect(Number.isFinite(exports['check_sum']!()), `slot ${at} = ${bad}`).toBe(false);
            v()[at] = kept;
          }
        }
        // a non-finite value beyond nDynamic is not the check's business
        v()[nDynamic] = Number.NaN;
        expect(Number.isFinite(exports['check_sum']!())).toBe(true);
      });
    }
  }

  for (const simd of [true, false]) {
    test(`${simd ? 'SIMD' : 'scalar'} clamp: non-negative stocks below zero become 0, −0 and NaN stay, other slots are untouched`, () => {
      // runs of neighbouring slots (odd and even lengths), single slots, a slot listed twice, out of order
      const nonNegative = [40, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 60, 61, 62, 90, 90, 11];
      const { exports, memory } = instantiate([clampFunction(nonNegative, simd)], 1);
      const f64 = new Float64Array(memory.buffer, 0, 128);
      const next = rng(simd ? 5 : 6);
      for (let round = 0; round < 20; round++) {
        const before = Float64Array.from({ length: 128 }, () => {
          const u = next();
          return u < 0.1 ? -0 : u < 0.15 ? Number.NaN : u < 0.2 ? -Infinity : (next() - 0.5) * 10;
        });
        f64.set(before);
        exports['clamp']!();
        for (let s = 0; s < 128; s++) {
          const want = nonNegative.includes(s) && before[s]! < 0 ? 0 : before[s]!;
          if (!Object.is(f64[s], want)) throw new Error(`slot ${s}: ${f64[s]} instead of ${want} (was ${before[s]})`);
        }
      }
    });
  }

  for (const nSaved of [1, 7, 8, 9, 23]) {
    test(`saves in blocks of ${SAVE_BLOCK}: ${nSaved} saves of 5 listed slots land column by column, partial blocks included`, () => {
      const fns = [recordFunction(), flushFunction()];
      const save = saveFunction(0, 1);
      const { exports, memory } = instantiate([...fns, save], 2);
      const f64 = new Float64Array(memory.buffer);
      const i32 = new Int32Array(memory.buffer);
      const list = [3, 0, 9, 4, 4];
      const listAt = 1024;
      i32.set(list, listAt / 4);
      const store = 2048;
      const column = nSaved * 8;
      const n = list.length;
      const expected: number[][] = list.map(() => []);
      for (let saved = 0; saved < nSaved; saved++) {
        for (let s = 0; s < 10; s++) f64[s] = saved * 100 + s + 0.5;
        exports['save']!(listAt, n, store, column, saved);
        list.forEach((slot, c) => expected[c]!.push(saved * 100 + slot + 0.5));
      }
      const pending = nSaved % SAVE_BLOCK;
      if (pending > 0) exports['flush']!(n, blockRows(store, n, column), store + (nSaved - pending) * 8, column, pending);
      for (let c = 0; c < n; c++) expect(Array.from(f64.subarray(store / 8 + c * nSaved, store / 8 + (c + 1) * nSaved))).toEqual(expected[c]);
    });
  }
});
