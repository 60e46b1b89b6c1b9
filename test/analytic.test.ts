import { describe, expect, test } from 'vitest';
import { simulate } from '../engine/src/index.js';
import { compile, series } from './helpers.js';

const decay = (method: string, dt: number): string => `
simulation
  start: 0
  stop: 4
  dt: ${dt}
  method: ${method}
stock S [people] = 100
  outflow: leaving
flow leaving [people/year] = S * k
const k [1/year] = 0.5
`;

const growth = `
simulation
  start: 0
  stop: 10
  dt: 0.5
stock P = 1000
  inflow: births
flow births = P * 3%
`;

describe('analytic solutions', () => {
  test('Euler decay equals the difference equation S(n) = S0 (1 - k dt)^n exactly', () => {
    const r = simulate(compile(decay('euler', 0.25)));
    const s = series(r, 'S');
    expect(Array.from(r.times)).toEqual(Array.from({ length: 17 }, (_, n) => n * 0.25));
    s.forEach((x, n) => expect(x).toBeCloseTo(100 * 0.875 ** n, 10));
    // flows are computed from the stock at the same time
    series(r, 'leaving').forEach((f, n) => expect(f).toBeCloseTo(0.5 * s[n]!, 10));
  });

  test('RK4 decay matches the closed form 100·e^(−kt) within its truncation error', () => {
    const r = simulate(compile(decay('rk4', 0.125)));
    // RK4's local relative error is (k·dt)^5/120 ≈ 8e-9 per step; over 32 steps at most ~3e-7 of 100.
    series(r, 'S').forEach((x, n) => expect(Math.abs(x - 100 * Math.exp(-0.5 * r.times[n]!))).toBeLessThan(3e-5));
  });

  test('exponential growth matches the closed form within the Euler error bound', () => {
    const r = simulate(compile(growth), { method: 'rk4' });
    const p = series(r, 'P');
    p.forEach((x, n) => expect(x / (1000 * Math.exp(0.03 * r.times[n]!)) - 1).toBeLessThan(1e-9));
    const euler = series(simulate(compile(growth)), 'P');
    euler.forEach((x, n) => expect(x).toBeCloseTo(1000 * 1.015 ** n, 8));
  });

  const errorAt4 = (method: string, dt: number): number => {
    const s = series(simulate(compile(decay(method, dt))), 'S');
    return Math.abs(s[s.length - 1]! - 100 * Math.exp(-2));
  };

  test('halving dt divides the error by ~2 for Euler, ~4 for RK2 and ~16 for RK4', () => {
    const ratio = (method: string): number => errorAt4(method, 0.25) / errorAt4(method, 0.125);
    expect(ratio('euler')).toBeGreaterThan(1.8);
    expect(ratio('euler')).toBeLessThan(2.2);
    expect(ratio('rk2')).toBeGreaterThan(3.6);
    expect(ratio('rk2')).toBeLessThan(4.4);
    expect(ratio('rk4')).toBeGreaterThan(14);
    expect(ratio('rk4')).toBeLessThan(18);
  });

  test('the method in the model can be overridden per run and rk4 beats euler', () => {
    const model = compile(decay('euler', 0.5));
    const exact = 100 * Math.exp(-2);
    const last = (m: 'euler' | 'rk2' | 'rk4'): number => series(simulate(model, { method: m }), 'S').at(-1)!;
    expect(Math.abs(last('rk4') - exact)).toBeLessThan(Math.abs(last('rk2') - exact));
    expect(Math.abs(last('rk2') - exact)).toBeLessThan(Math.abs(last('euler') - exact));
  });

  test('save every keeps only whole multiples of the save interval, dt can be changed per run', () => {
    const src = decay('euler', 0.25).replace('method: euler', 'method: euler\n  save every: 1');
    const model = compile(src);
    const r = simulate(model);
    expect(Array.from(r.times)).toEqual([0, 1, 2, 3, 4]);
    series(r, 'S').forEach((x, i) => expect(x).toBeCloseTo(100 * 0.875 ** (4 * i), 9));
    const fine = simulate(model, { dt: 0.125 });
    expect(Array.from(fine.times)).toEqual([0, 1, 2, 3, 4]);
    expect(series(fine, 'S')[1]).toBeCloseTo(100 * (1 - 0.0625) ** 8, 9);
  });

  test('a stock with two-way flows integrates the net flow', () => {
    const r = simulate(
      compile(`
simulation
  start: 0
  stop: 5
stock Waiting = 10
  inflow: referrals
  outflow: assessed
flow referrals = 7
flow assessed = 4
`),
    );
    expect(series(r, 'Waiting')).toEqual([10, 13, 16, 19, 22, 25]);
  });

  test('a non-negative stock is never drained below zero and its outflows are limited in order', () => {
    const r = simulate(
      compile(`
simulation
  start: 0
  stop: 4
stock Beds = 5
  inflow: admissions
  outflow: discharges, transfers
  non-negative
flow admissions = 1
flow discharges = 4
flow transfers = 3
`),
    );
    // t0: 5 + 1 - 4 - 2 (transfers limited to 2) = 0; then each step only 1 arrives: discharges take it all.
    expect(series(r, 'Beds')).toEqual([5, 0, 0, 0, 0]);
    expect(series(r, 'discharges')).toEqual([4, 1, 1, 1, 1]);
    expect(series(r, 'transfers')).toEqual([2, 0, 0, 0, 0]);
  });

  test('a non-negative flow never goes below zero', () => {
    const r = simulate(
      compile(`
simulation
  start: 0
  stop: 3
stock S = 0
  inflow: f
flow f = 2 - TIME
  non-negative
`),
    );
    expect(series(r, 'f')).toEqual([2, 1, 0, 0]);
    expect(series(r, 'S')).toEqual([0, 2, 3, 3]);
  });
});

describe('runs that go wrong', () => {
  test('NaN or infinity stops the run naming the variable and the time it first appeared', () => {
    const r = simulate(
      compile(`
simulation
  start: 0
  stop: 10
stock S = 3
  outflow: out
flow out = 1
aux ratio = 10 / S
aux doubled = ratio * 2
`),
    );
    expect(r.error?.variable).toBe('ratio');
    expect(r.error?.time).toBe(3);
    expect(r.error?.value).toBe(Number.POSITIVE_INFINITY);
    expect(r.error?.message).toContain('"ratio" became infinite at time 3');
    expect(Array.from(r.times)).toEqual([0, 1, 2]);
    expect(series(r, 'S')).toEqual([3, 2, 1]);
  });

  test('NaN in an array element names the element', () => {
    const r = simulate(
      compile(`
simulation
  start: 0
  stop: 5
dimension Area: North, South
aux level[Area] = 1
  [South] = SQRT(2.5 - TIME)
`),
    );
    expect(r.error?.variable).toBe('level[South]');
    expect(r.error?.time).toBe(3);
    expect(r.error?.message).toContain('not a number (NaN)');
    const log = simulate(compile('aux x = LN(2 - TIME)'));
    expect([log.error?.variable, log.error?.time, log.error?.value]).toEqual(['x', 2, Number.NEGATIVE_INFINITY]);
  });

  test('a constant written as INF is allowed, a computed infinity is not', () => {
    const ok = simulate(compile(`
simulation
  start: 0
  stop: 2
const capacity = INF
aux used = MIN(5, capacity)
`));
    expect(ok.error).toBeUndefined();
    expect(series(ok, 'used')).toEqual([5, 5, 5]);
    const bad = simulate(compile(`
simulation
  start: 0
  stop: 2
const zero = 0
const rate = 1 / zero
`));
    expect(bad.error?.variable).toBe('rate');
    expect(bad.error?.time).toBe(0);
  });
});

describe('discontinuities under Runge-Kutta', () => {
  test('a PULSE adds exactly its volume whatever the method and dt', () => {
    const model = compile(`
simulation
  start: 0
  stop: 5
  dt: 0.5
stock S = 0
  inflow: f
flow f = PULSE(12, 2)
`);
    for (const method of ['euler', 'rk2', 'rk4'] as const) {
      const s = series(simulate(model, { method }), 'S');
      expect(s.slice(0, 5), method).toEqual([0, 0, 0, 0, 0]);
      expect(s.slice(5), method).toEqual([12, 12, 12, 12, 12, 12]);
    }
  });
});

describe('run settings', () => {
  test('a time step that does not fit the run or the save interval is refused with a clear message', () => {
    const model = compile(decay('euler', 0.25).replace('method: euler', 'method: euler\n  save every: 1'));
    expect(() => simulate(model, { dt: 0.3 })).toThrow('The save interval (1) must be a whole multiple of the time step (0.3).');
    expect(() => simulate(model, { dt: 0.5, saveEvery: 0.75 })).toThrow('The save interval (0.75) must be a whole multiple of the time step (0.5).');
    expect(() => simulate(model, { dt: 3, saveEvery: 3 })).toThrow('The run length (4) is not a whole number of time steps of 3.');
    expect(() => simulate(model, { dt: -1 })).toThrow('The time step must be a positive number, not -1.');
  });
});

describe('stop at', () => {
  test('the run ends once TIME reaches the value of the "stop at" variable, and that time is saved', () => {
    const model = compile(`
simulation
  start: 0
  stop: 100
  save every: 2
  stop at: "final time"
stock S = 0
  inflow: f
flow f = 10
aux "final time" = if S > 45 then TIME else 100
`);
    const r = simulate(model);
    // S passes 45 at t = 5 (S = 50): saved at 0, 2, 4 and at the stop, 5.
    expect(Array.from(r.times)).toEqual([0, 2, 4, 5]);
    expect(series(r, 'S')).toEqual([0, 20, 40, 50]);
  });
});
