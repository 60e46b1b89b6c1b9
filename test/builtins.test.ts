/**
 * Every builtin of the model language (docs/language.md, "Builtins") against values computed by
 * hand from the documented semantics: Euler with dt = 1 or a dyadic dt, so that the expected
 * numbers are exact. Every model runs on both backends (generated kernel and reference
 * interpreter), which must agree bit for bit.
 *
 * Expected values are never produced by calling engine code: they are written out, or computed by
 * a few lines of plain arithmetic that restate the documented rule.
 */
import { describe, expect, test } from 'vitest';
import { compileSource, getSeries, simulate, type RunResult, type SimulateOptions } from '../engine/src/index.js';

// ---- helpers ------------------------------------------------------------------------------------

interface SimSpec {
  start?: number;
  stop?: number;
  dt?: number | string;
  saveEvery?: number;
  method?: 'euler' | 'rk2' | 'rk4';
  seed?: number;
}

function source(body: string, sim: SimSpec = {}): string {
  const lines = ['simulation', `  start: ${sim.start ?? 0}`, `  stop: ${sim.stop ?? 5}`, `  dt: ${sim.dt ?? 1}`];
  if (sim.saveEvery !== undefined) lines.push(`  save every: ${sim.saveEvery}`);
  if (sim.method !== undefined) lines.push(`  method: ${sim.method}`);
  if (sim.seed !== undefined) lines.push(`  seed: ${sim.seed}`);
  return `${lines.join('\n')}\n${body}\n`;
}

function compileWith(src: string, backend: 'generated' | 'interpreter') {
  const c = compileSource(src, 'm.cwm', { backend });
  const errors = c.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
  expect(errors).toEqual([]);
  expect(c.model).toBeDefined();
  return c.model!;
}

interface Run {
  /** Values of a series as a plain array (−0 normalised to 0). */
  s(name: string): number[];
  result: RunResult;
}

/** Compiles and runs on both backends; they must give identical numbers (and identical errors). */
function run(body: string, sim: SimSpec = {}, options: SimulateOptions = {}): Run {
  const src = source(body, sim);
  const generated = simulate(compileWith(src, 'generated'), options);
  const interpreted = simulate(compileWith(src, 'interpreter'), options);
  expect(Array.from(generated.times)).toEqual(Array.from(interpreted.times));
  expect(generated.series.map((x) => [x.name, Array.from(x.values)])).toEqual(interpreted.series.map((x) => [x.name, Array.from(x.values)]));
  expect(generated.error).toEqual(interpreted.error);
  return {
    result: generated,
    s(name: string): number[] {
      const values = getSeries(generated, name);
      if (!values) throw new Error(`no series "${name}" among ${generated.series.map((x) => x.name).join(', ')}`);
      return Array.from(values, (x) => x + 0);
    },
  };
}

/** A run that must not stop early. */
function ok(body: string, sim: SimSpec = {}, options: SimulateOptions = {}): (name: string) => number[] {
  const r = run(body, sim, options);
  expect(r.result.error).toBeUndefined();
  return (name) => r.s(name);
}

/** The value of an expression at the start of a run. */
const at0 = (expression: string): number => ok(`aux x = ${expression}`, { stop: 1 })('x')[0]!;

/** Expect two series to agree to `digits` decimal places, element by element. */
function expectClose(actual: readonly number[], expected: readonly number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a, `element ${i}`).toBeCloseTo(expected[i]!, digits));
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// ---- mathematics --------------------------------------------------------------------------------

describe('mathematical functions', () => {
  test.each([
    ['ABS(-3)', 3],
    ['ABS(2.5)', 2.5],
    ['ABS(0)', 0],
    ['EXP(0)', 1],
    ['LN(1)', 0],
    ['SQRT(16)', 4],
    ['SQRT(2.25)', 1.5],
    ['SQRT(0)', 0],
    ['SIN(0)', 0],
    ['COS(0)', 1],
    ['COS(PI)', -1],
    ['TAN(0)', 0],
    ['ARCSIN(0)', 0],
    ['ARCSIN(1)', Math.PI / 2],
    ['ARCCOS(1)', 0],
    ['ARCCOS(-1)', Math.PI],
    ['ARCCOS(0)', Math.PI / 2],
    ['ARCTAN(0)', 0],
    ['ARCTAN(1)', Math.PI / 4],
    ['ARCTAN(-1)', -Math.PI / 4],
  ])('%s = %d (exact)', (expression, expected) => {
    expect(at0(expression)).toBe(expected);
  });

  test.each([
    ['EXP(1)', Math.E],
    ['EXP(-1)', 1 / Math.E],
    ['LN(EXP(2))', 2],
    ['LN(0.5)', -Math.LN2],
    ['LOG10(1000)', 3],
    ['LOG10(0.01)', -2],
    ['LOG10(1)', 0],
    ['SIN(PI / 2)', 1],
    ['SIN(PI / 6)', 0.5],
    ['SIN(-PI / 2)', -1],
    ['COS(PI / 3)', 0.5],
    ['TAN(PI / 4)', 1],
    ['TAN(-PI / 4)', -1],
    ['ARCSIN(-0.5)', -Math.PI / 6],
    ['ARCCOS(0.5)', Math.PI / 3],
    ['SINH(1)', (Math.E - 1 / Math.E) / 2],
    ['COSH(1)', (Math.E + 1 / Math.E) / 2],
    ['TANH(0)', 0],
  ])('%s ≈ %d', (expression, expected) => {
    expect(at0(expression)).toBeCloseTo(expected, 14);
  });

  test.each([
    ['INT(2.7)', 2],
    ['INT(2)', 2],
    ['INT(0.5)', 0],
    ['INT(-0.5)', -1], // largest whole number ≤ x, not truncation
    ['INT(-2)', -2],
    ['INT(-2.7)', -3],
    ['ROUND(2.5)', 3],
    ['ROUND(1.5)', 2],
    ['ROUND(0.5)', 1],
    ['ROUND(-0.5)', -1], // halves away from zero
    ['ROUND(-2.5)', -3],
    ['ROUND(2.49)', 2],
    ['ROUND(-2.51)', -3],
    ['ROUND(-2.49)', -2],
    ['ROUND(3)', 3],
  ])('%s = %d', (expression, expected) => {
    expect(at0(expression)).toBe(expected);
  });

  test('ROUND is exact just below a half and for large whole numbers', () => {
    // 0.49999999999999994 is the largest double below 0.5: the nearest whole number is 0.
    expect.soft(at0('ROUND(0.49999999999999994)')).toBe(0);
    expect.soft(at0('ROUND(-0.49999999999999994)')).toBe(0);
    // 2^52 + 1 is a whole number already: rounding must leave it unchanged.
    expect.soft(at0('ROUND(4503599627370497)')).toBe(4503599627370497);
    expect.soft(at0('ROUND(-4503599627370497)')).toBe(-4503599627370497);
  });

  test('functions take time-varying arguments', () => {
    const s = ok('aux a = ABS(TIME - 2)\naux r = ROUND(TIME / 4)\naux i = INT(TIME / 2 - 1)', { stop: 4, dt: 0.5 });
    expect(s('a')).toEqual([2, 1.5, 1, 0.5, 0, 0.5, 1, 1.5, 2]);
    // TIME/4 = 0, .125, .25, .375, .5, .625, .75, .875, 1
    expect(s('r')).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // TIME/2 − 1 = −1, −.75, −.5, −.25, 0, .25, .5, .75, 1
    expect(s('i')).toEqual([-1, -1, -1, -1, 0, 0, 0, 0, 1]);
  });
});

describe('MOD and the mod operator: remainder with the sign of the divisor', () => {
  test.each([
    ['MOD(7, 3)', 1],
    ['MOD(-7, 3)', 2],
    ['MOD(7, -3)', -2],
    ['MOD(-7, -3)', -1],
    ['MOD(6, 3)', 0],
    ['MOD(-6, 3)', 0],
    ['MOD(5.5, 2)', 1.5],
    ['MOD(-5.5, 2)', 0.5],
    ['MOD(5.5, -2)', -0.5],
    ['MOD(0.75, 0.5)', 0.25],
    ['7 mod 3', 1],
    ['-7 mod 3', 2], // unary minus binds tighter than mod
    ['7 mod -3', -2],
    ['(-7) mod (-3)', -1],
    ['-5.5 mod 2', 0.5],
    ['2 + 7 mod 3', 3], // mod binds like * and /
    ['2 * 7 mod 3', 2], // left to right: (2·7) mod 3
    ['10 - 7 mod 3 * 2', 8], // (7 mod 3)·2 = 2
  ])('%s = %d', (expression, expected) => {
    expect(at0(expression)).toBe(expected);
  });

  test('mod over time wraps with the sign of the divisor', () => {
    const s = ok('aux a = (TIME - 3) mod 2\naux b = MOD(TIME - 3, -2)', { stop: 5 });
    // TIME − 3 = −3, −2, −1, 0, 1, 2
    expect(s('a')).toEqual([1, 0, 1, 0, 1, 0]);
    expect(s('b')).toEqual([-1, 0, -1, 0, -1, 0]);
  });
});

describe('MIN, MAX, PI and INF', () => {
  test.each([
    ['MIN(2, 5)', 2],
    ['MIN(5, 2)', 2],
    ['MIN(2, -5)', -5],
    ['MAX(2, 5)', 5],
    ['MAX(-2, -5)', -2],
    ['MIN(INF, 3)', 3],
    ['MAX(-INF, -3)', -3],
    ['1 / INF', 0],
    ['-INF < -1e308', 1],
    ['INF > 1e308', 1],
  ])('%s = %d', (expression, expected) => {
    expect(at0(expression)).toBe(expected);
  });

  test('PI is π', () => {
    expect(at0('PI')).toBe(Math.PI);
    expect(at0('2 * PI')).toBe(2 * Math.PI);
  });

  test('a constant written as INF is allowed to be infinite', () => {
    const r = run('const capacity = INF\naux used = MIN(capacity, 10 + TIME)', { stop: 2 });
    expect(r.result.error).toBeUndefined();
    expect(r.s('capacity')).toEqual([Infinity, Infinity, Infinity]);
    expect(r.s('used')).toEqual([10, 11, 12]);
  });

  test('MIN and MAX with time-varying arguments', () => {
    const s = ok('aux lo = MIN(TIME, 3)\naux hi = MAX(TIME, 3)');
    expect(s('lo')).toEqual([0, 1, 2, 3, 3, 3]);
    expect(s('hi')).toEqual([3, 3, 3, 3, 4, 5]);
  });
});

describe('SAFEDIV', () => {
  test.each([
    ['SAFEDIV(6, 3)', 2],
    ['SAFEDIV(6, 3, 9)', 2], // the third argument only matters when b = 0
    ['SAFEDIV(-1, 4)', -0.25],
    ['SAFEDIV(1, 0)', 0],
    ['SAFEDIV(0, 0)', 0],
    ['SAFEDIV(1, 0, 9)', 9],
    ['SAFEDIV(0, 0, -1)', -1],
    ['SAFEDIV(5, 2 - 2, 1 + 1)', 2],
  ])('%s = %d', (expression, expected) => {
    expect(at0(expression)).toBe(expected);
  });

  test('division by a quantity that passes through zero', () => {
    const s = ok('aux q = SAFEDIV(1, TIME - 2)\naux r = SAFEDIV(1, TIME - 2, -99)', { stop: 4 });
    expect(s('q')).toEqual([-0.5, -1, 0, 1, 0.5]);
    expect(s('r')).toEqual([-0.5, -1, -99, 1, 0.5]);
  });

  test('plain division by zero stops the run where SAFEDIV would not', () => {
    const r = run('aux q = 1 / (TIME - 2)', { stop: 4 });
    expect(r.result.error?.variable).toBe('q');
    expect(r.result.error?.time).toBe(2);
    expect(Array.from(r.result.times)).toEqual([0, 1]);
    expect(r.s('q')).toEqual([-0.5, -1]);
  });
});

describe('IF THEN ELSE', () => {
  test.each([
    ['IF_THEN_ELSE(1 > 0, 2, 3)', 2],
    ['IF_THEN_ELSE(0, 2, 3)', 3],
    ['IF_THEN_ELSE(-0.5, 2, 3)', 2], // any non-zero condition is true
    ['IF_THEN_ELSE(2 = 2, 1, 0)', 1],
    ['if 1 > 0 then 2 else 3', 2],
    ['if 0 then 2 else 3', 3],
    ['if 0.001 then 2 else 3', 2],
    ['if 2 >= 2 and not 0 then 4 else 5', 4],
    ['if 1 < 0 or 2 <> 2 then 4 else 5', 5],
    ['1 + (if 1 then 10 else 20)', 11],
  ])('%s = %d', (expression, expected) => {
    expect(at0(expression)).toBe(expected);
  });

  test('conditions on TIME, in both spellings, including a nested else-if', () => {
    const s = ok(
      'aux a = IF_THEN_ELSE(TIME >= 2, 10, 20)\naux b = if TIME >= 2 then 10 else 20\naux c = if TIME < 1 then 1 else if TIME < 3 then 2 else 3',
    );
    expect(s('a')).toEqual([20, 20, 10, 10, 10, 10]);
    expect(s('b')).toEqual([20, 20, 10, 10, 10, 10]);
    expect(s('c')).toEqual([1, 2, 2, 3, 3, 3]);
  });

  test('the branch not taken does not stop the run (no division by zero reported)', () => {
    const s = ok('aux a = if TIME > 0 then 1 / TIME else 0\naux b = IF_THEN_ELSE(TIME > 0, 1 / TIME, 0)', { stop: 2, dt: 0.5 });
    expect(s('a')).toEqual([0, 2, 1, 1 / 1.5, 0.5]);
    expect(s('b')).toEqual([0, 2, 1, 1 / 1.5, 0.5]);
  });
});

describe('non-finite results stop the run and name the variable', () => {
  test('SQRT of a negative number', () => {
    const r = run('aux bad = SQRT(2 - TIME)', { stop: 4 });
    expect(r.result.error?.variable).toBe('bad');
    expect(r.result.error?.time).toBe(3);
    expect(r.s('bad')).toEqual([Math.SQRT2, 1, 0]);
  });

  test('LN(0) at the start', () => {
    const r = run('aux bad = LN(TIME)', { stop: 4 });
    expect(r.result.error?.variable).toBe('bad');
    expect(r.result.error?.time).toBe(0);
    expect(r.result.times.length).toBe(0);
  });

  test('inside a stateful builtin: the run stops naming the variable that uses it', () => {
    const r = run('aux x = SMTH1(SQRT(2 - TIME), 1)', { stop: 4 });
    expect(r.result.error?.variable).toBe('x');
    expect(r.result.error?.time).toBe(3);
    expect(r.s('x')).toEqual([Math.SQRT2, Math.SQRT2, 1]);
  });

  test('ARCSIN outside [−1, 1]', () => {
    const r = run('aux bad = ARCSIN(TIME / 2)', { stop: 4 });
    expect(r.result.error?.variable).toBe('bad');
    expect(r.result.error?.time).toBe(3);
  });
});

// ---- clock --------------------------------------------------------------------------------------

describe('TIME, DT, STARTTIME, STOPTIME', () => {
  test('with a fractional dt and a save interval longer than dt', () => {
    const r = run('aux t = TIME\naux step = DT\naux s0 = STARTTIME\naux s1 = STOPTIME', { start: 2, stop: 4, dt: '1/4', saveEvery: 0.5 });
    expect(Array.from(r.result.times)).toEqual([2, 2.5, 3, 3.5, 4]);
    expect(r.s('t')).toEqual([2, 2.5, 3, 3.5, 4]);
    expect(r.s('step')).toEqual([0.25, 0.25, 0.25, 0.25, 0.25]);
    expect(r.s('s0')).toEqual([2, 2, 2, 2, 2]);
    expect(r.s('s1')).toEqual([4, 4, 4, 4, 4]);
  });

  test('DT follows a dt given at run time', () => {
    const s = ok('aux step = DT\naux t = TIME', { stop: 2 }, { dt: 0.5, saveEvery: 0.5 });
    expect(s('step')).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(s('t')).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  test('a stock integrating DT counts elapsed time', () => {
    const s = ok('stock elapsed = STARTTIME\n  inflow: f\nflow f = 1\naux left = STOPTIME - TIME', { start: 10, stop: 12, dt: 0.5 });
    expect(s('elapsed')).toEqual([10, 10.5, 11, 11.5, 12]);
    expect(s('left')).toEqual([2, 1.5, 1, 0.5, 0]);
  });
});

// ---- INIT and PREVIOUS --------------------------------------------------------------------------

describe('INIT', () => {
  test('keeps the value at the start of the run', () => {
    const s = ok('aux x = INIT(TIME + 5)\nstock S = 3\n  inflow: f\nflow f = 2\naux s0 = INIT(S)\naux grown = S - INIT(S)', { stop: 4 });
    expect(s('x')).toEqual([5, 5, 5, 5, 5]);
    expect(s('S')).toEqual([3, 5, 7, 9, 11]);
    expect(s('s0')).toEqual([3, 3, 3, 3, 3]);
    expect(s('grown')).toEqual([0, 2, 4, 6, 8]);
  });

  test('with a non-zero start time and a fractional dt', () => {
    expect(ok('aux x = INIT(TIME * 2)', { start: 2025, stop: 2026, dt: 0.25 })('x')).toEqual([4050, 4050, 4050, 4050, 4050]);
  });

  test('sees overridden constants and initial stocks', () => {
    const s = ok('const c = 5\naux i = INIT(c * 2)\nstock S = 3\n  inflow: f\nflow f = 2\naux s0 = INIT(S)', { stop: 2 }, { overrides: { c: 7, S: 10 } });
    expect(s('i')).toEqual([14, 14, 14]);
    expect(s('S')).toEqual([10, 12, 14]);
    expect(s('s0')).toEqual([10, 10, 10]);
  });

  test('freezes a random draw made at the start', () => {
    const s = ok('aux u = UNIFORM(0, 1)\naux frozen = INIT(u)', { stop: 10 }, { seed: 3 });
    expect(new Set(s('frozen')).size).toBe(1);
    expect(new Set(s('u')).size).toBeGreaterThan(1);
    expect(s('frozen')[0]).toBe(s('u')[0]);
  });
});

describe('PREVIOUS', () => {
  test('one DT ago, with the default initial 0 and an explicit initial', () => {
    const s = ok('aux a = PREVIOUS(TIME)\naux b = PREVIOUS(TIME * 2, 7)\naux c = PREVIOUS(TIME + 1)');
    expect(s('a')).toEqual([0, 0, 1, 2, 3, 4]);
    expect(s('b')).toEqual([7, 0, 2, 4, 6, 8]);
    expect(s('c')).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('the initial may be an expression: PREVIOUS(TIME, STARTTIME − DT) is TIME − DT throughout', () => {
    expect(ok('aux p = PREVIOUS(TIME, STARTTIME - DT)', { start: 2, stop: 4, dt: 0.5 })('p')).toEqual([1.5, 2, 2.5, 3, 3.5]);
  });

  test('a variable may refer to its own previous value (a counter)', () => {
    expect(ok('aux counter = PREVIOUS(counter, 0) + 1')('counter')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('of a stock', () => {
    const s = ok('stock S = 1\n  inflow: f\nflow f = S\naux p = PREVIOUS(S, -1)\naux growth = S - PREVIOUS(S, S)');
    expect(s('S')).toEqual([1, 2, 4, 8, 16, 32]);
    expect(s('p')).toEqual([-1, 1, 2, 4, 8, 16]);
    // The initial (S at the start) makes the first difference 0.
    expect(s('growth')).toEqual([0, 1, 2, 4, 8, 16]);
  });

  test('nested: two steps ago', () => {
    expect(ok('aux p2 = PREVIOUS(PREVIOUS(TIME, -1), -2)')('p2')).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  test('one DT ago, not one save interval ago', () => {
    expect(ok('aux p = PREVIOUS(TIME)', { stop: 4, dt: 0.5, saveEvery: 1 })('p')).toEqual([0, 0.5, 1.5, 2.5, 3.5]);
  });

  test('unchanged by the integration method', () => {
    for (const method of ['rk2', 'rk4'] as const) {
      expect(ok('aux p = PREVIOUS(TIME, 9)', { stop: 3, dt: 0.5, method })('p')).toEqual([9, 0, 0.5, 1, 1.5, 2, 2.5]);
    }
  });

  test('of a random variable is the same draw one step later', () => {
    const s = ok('aux u = UNIFORM(0, 1)\naux p = PREVIOUS(u, -1)', { stop: 20 }, { seed: 11 });
    const u = s('u');
    expect(s('p')).toEqual([-1, ...u.slice(0, -1)]);
  });
});

// ---- STEP, PULSE, RAMP --------------------------------------------------------------------------

describe('STEP', () => {
  test('0 before t0, h from t0 on', () => {
    expect(ok('aux x = STEP(3, 2)')('x')).toEqual([0, 0, 3, 3, 3, 3]);
    expect(ok('aux x = STEP(-2, 1)')('x')).toEqual([0, -2, -2, -2, -2, -2]);
  });

  test('at the start time and before it', () => {
    expect(ok('aux x = STEP(5, 0)', { stop: 2 })('x')).toEqual([5, 5, 5]);
    expect(ok('aux x = STEP(5, -3)', { stop: 2 })('x')).toEqual([5, 5, 5]);
    expect(ok('aux x = STEP(5, 2025)', { start: 2025, stop: 2026, dt: 0.5 })('x')).toEqual([5, 5, 5]);
  });

  test('with a fractional dt: on a step, and between steps (first step at or after t0)', () => {
    expect(ok('aux x = STEP(3, 1.5)', { stop: 2, dt: 0.5 })('x')).toEqual([0, 0, 0, 3, 3]);
    expect(ok('aux x = STEP(3, 1.25)', { stop: 2, dt: 0.5 })('x')).toEqual([0, 0, 0, 3, 3]);
  });

  test('height and time may be expressions', () => {
    expect(ok('const h = 4\nconst when = 1 + 1\naux x = STEP(h * 2, when)', { stop: 3 })('x')).toEqual([0, 0, 8, 8]);
  });
});

describe('PULSE', () => {
  test('at the start time: the whole volume enters the stock in the first step (dt 0.5)', () => {
    const s = ok('stock S = 0\n  inflow: f\nflow f = PULSE(10, 0)', { stop: 2, dt: 0.5 });
    expect(s('f')).toEqual([20, 0, 0, 0, 0]);
    expect(s('S')).toEqual([0, 10, 10, 10, 10]);
  });

  test('at the start time with RK2 and RK4 the stock also gains exactly the volume', () => {
    for (const method of ['rk2', 'rk4'] as const) {
      const s = ok('stock S = 0\n  inflow: f\nflow f = PULSE(10, 0)', { stop: 2, dt: 0.5, method });
      expect(s('f')).toEqual([20, 0, 0, 0, 0]);
      expectClose(s('S'), [0, 10, 10, 10, 10]);
    }
  });

  test('at a non-zero start time (dt 0.25)', () => {
    const s = ok('stock S = 0\n  inflow: f\nflow f = PULSE(12, 2025)', { start: 2025, stop: 2026, dt: 0.25 });
    expect(s('f')).toEqual([48, 0, 0, 0, 0]);
    expect(s('S')).toEqual([0, 12, 12, 12, 12]);
  });

  test('single pulse with dt 1', () => {
    const s = ok('stock S = 1\n  inflow: f\nflow f = PULSE(6, 2)');
    expect(s('f')).toEqual([0, 0, 6, 0, 0, 0]);
    expect(s('S')).toEqual([1, 1, 1, 7, 7, 7]);
  });

  test('single pulse with a fractional dt: a flow of v/DT for one step', () => {
    const s = ok('stock S = 0\n  inflow: f\nflow f = PULSE(6, 2)', { stop: 3, dt: 0.25 });
    const f = range(13).map((k) => (k === 8 ? 24 : 0)); // t = k/4; the pulse step starts at t = 2
    expect(s('f')).toEqual(f);
    expect(s('S')).toEqual(range(13).map((k) => (k <= 8 ? 0 : 6)));
  });

  test('an interval of 0 means a single pulse', () => {
    expect(ok('aux x = PULSE(4, 1, 0)', { stop: 6 })('x')).toEqual([0, 4, 0, 0, 0, 0, 0]);
  });

  test('repeating with an interval (dt 1)', () => {
    expect(ok('aux x = PULSE(4, 1, 2)', { stop: 6 })('x')).toEqual([0, 4, 0, 4, 0, 4, 0]);
  });

  test('repeating with an interval that is not a whole number (dt 0.5)', () => {
    // pulses at 0.5, 2, 3.5, 5: flow 3 / 0.5 = 6 in those steps
    const s = ok('stock S = 0\n  inflow: f\nflow f = PULSE(3, 0.5, 1.5)', { stop: 5, dt: 0.5 });
    expect(s('f')).toEqual([0, 6, 0, 0, 6, 0, 0, 6, 0, 0, 6]);
    expect(s('S')).toEqual([0, 0, 3, 3, 3, 6, 6, 6, 9, 9, 9]);
  });

  test('repeating pulses whose first time is before the start', () => {
    // pulses at −1, 1, 3, 5
    expect(ok('aux x = PULSE(5, -1, 2)')('x')).toEqual([0, 5, 0, 5, 0, 5]);
  });

  test('a stock gains exactly the volume with every integration method', () => {
    for (const method of ['euler', 'rk2', 'rk4'] as const) {
      const s = ok('stock S = 0\n  inflow: f\nflow f = PULSE(10, 1)', { stop: 2, dt: 0.25, method });
      // t = 0, .25, …, 2: the pulse step is [1, 1.25)
      expectClose(s('S'), [0, 0, 0, 0, 0, 10, 10, 10, 10]);
      expect(s('f')).toEqual([0, 0, 0, 0, 40, 0, 0, 0, 0]);
    }
  });
});

describe('RAMP', () => {
  test('without an end', () => {
    expect(ok('aux x = RAMP(2, 1)')('x')).toEqual([0, 0, 2, 4, 6, 8]);
    expect(ok('aux x = RAMP(-0.5, 2)')('x')).toEqual([0, 0, 0, -0.5, -1, -1.5]);
  });

  test('with an end: held after t1', () => {
    expect(ok('aux x = RAMP(2, 1, 3)')('x')).toEqual([0, 0, 2, 4, 4, 4]);
    expect(ok('aux x = RAMP(2, 1, 2)', { stop: 3, dt: 0.5 })('x')).toEqual([0, 0, 0, 1, 2, 2, 2]);
  });

  test('an end before the start: held at its value at t1, which is 0', () => {
    expect(ok('aux x = RAMP(1, 3, 1)')('x')).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('starting before the start time', () => {
    expect(ok('aux x = RAMP(1, -2)', { stop: 2 })('x')).toEqual([2, 3, 4]);
    expect(ok('aux x = RAMP(1, -2, -1)', { stop: 2 })('x')).toEqual([1, 1, 1]);
  });

  test('with a fractional dt', () => {
    expect(ok('aux x = RAMP(4, 0.5)', { stop: 2, dt: 0.25 })('x')).toEqual([0, 0, 0, 1, 2, 3, 4, 5, 6]);
  });

  test('integrated by RK4 gives the exact area t²/2', () => {
    expectClose(ok('stock S = 0\n  inflow: f\nflow f = RAMP(1, 0)', { method: 'rk4' })('S'), [0, 0.5, 2, 4.5, 8, 12.5]);
  });
});

// ---- pipeline delay -----------------------------------------------------------------------------

describe('DELAY (pipeline)', () => {
  test('a ramp comes out exactly the delay time later; before that, the input at the start', () => {
    expect(ok('aux x = DELAY(TIME + 1, 2)')('x')).toEqual([1, 1, 1, 2, 3, 4]);
    expect(ok('aux x = DELAY(RAMP(2, 1), 2.5)', { dt: 0.5 })('x')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]);
  });

  test('a step in the input', () => {
    expect(ok('aux x = DELAY(STEP(10, 1), 2)')('x')).toEqual([0, 0, 0, 10, 10, 10]);
    expect(ok('aux x = DELAY(STEP(10, 1), 1)', { stop: 3, dt: 0.25 })('x')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10]);
  });

  test('an explicit initial value is used until the delay has elapsed', () => {
    expect(ok('aux x = DELAY(TIME, 2, 5)')('x')).toEqual([5, 5, 0, 1, 2, 3]);
    expect(ok('aux x = DELAY(STEP(10, 1), 2, 7)')('x')).toEqual([7, 7, 0, 10, 10, 10]);
  });

  test('the default initial value is the input at the start, also with a non-zero start time', () => {
    expect(ok('aux x = DELAY(TIME, 2)', { start: 10, stop: 15 })('x')).toEqual([10, 10, 10, 11, 12, 13]);
  });

  test('a delay that is not a multiple of dt interpolates between recorded steps', () => {
    expect(ok('aux x = DELAY(TIME, 1.5)')('x')).toEqual([0, 0, 0.5, 1.5, 2.5, 3.5]);
    // dt 0.5, delay 1.25: t = 1.5 → input(0.25) = 0.25, …
    expect(ok('aux x = DELAY(TIME, 1.25)', { stop: 3, dt: 0.5 })('x')).toEqual([0, 0, 0, 0.25, 0.75, 1.25, 1.75]);
    // A step interpolated: at t = 2, input(0.5) lies halfway between input(0) = 0 and input(1) = 8.
    expect(ok('aux x = DELAY(STEP(8, 1), 1.5)')('x')).toEqual([0, 0, 4, 8, 8, 8]);
  });

  test('a delay shorter than dt acts as one dt', () => {
    expect(ok('aux x = DELAY(TIME, 0.25)')('x')).toEqual([0, 0, 1, 2, 3, 4]);
  });

  test('the delay time may be an expression', () => {
    expect(ok('const d = 1\naux x = DELAY(TIME * 10, d + d)')('x')).toEqual([0, 0, 0, 10, 20, 30]);
  });

  test('a delay time that changes during the run still gives the input exactly that long ago', () => {
    // delay 1 until t = 3, then 2: t = 3 → input(1), t = 4 → input(2)
    expect(ok('aux x = DELAY(TIME, 1 + STEP(1, 3))')('x')).toEqual([0, 0, 1, 1, 2, 3]);
  });

  test('saved less often than dt', () => {
    expect(ok('aux x = DELAY(TIME, 1)', { stop: 4, dt: 0.25, saveEvery: 1 })('x')).toEqual([0, 0, 1, 2, 3]);
  });

  test('in a feedback loop through a stock (Fibonacci)', () => {
    // f(t) = S(t − 1), f(0) = 0; S(t + 1) = S(t) + f(t)
    const s = ok('stock S = 1\n  inflow: f\nflow f = DELAY(S, 1, 0)');
    expect(s('f')).toEqual([0, 1, 1, 2, 3, 5]);
    expect(s('S')).toEqual([1, 1, 2, 3, 5, 8]);
  });

  test('integrated by RK2 and RK4, a delayed ramp gives the exact area (t − 2)²/2', () => {
    for (const method of ['rk2', 'rk4'] as const) {
      const s = ok('stock S = 0\n  inflow: f\nflow f = DELAY(TIME, 2)', { method });
      expect(s('f')).toEqual([0, 0, 0, 1, 2, 3]);
      expectClose(s('S'), [0, 0, 0, 0.5, 2, 4.5]);
    }
  });
});

describe('stateful builtins in arrays keep one state per element', () => {
  test('DELAY, PREVIOUS, SMTH1, DELAY1 and INIT', () => {
    const s = ok(
      'dimension Area: a, b\nconst k[Area] = 1, 2\naux d[Area] = DELAY(k * TIME, 1)\naux p[Area] = PREVIOUS(k * TIME, -k)\naux sm[Area] = SMTH1(k * 10, 2, 0)\naux d1[Area] = DELAY1(k * STEP(10, 1), 2)\naux i[Area] = INIT(k * (TIME + 1))',
      { stop: 3 },
    );
    expect(s('d[a]')).toEqual([0, 0, 1, 2]);
    expect(s('d[b]')).toEqual([0, 0, 2, 4]);
    expect(s('p[a]')).toEqual([-1, 0, 1, 2]);
    expect(s('p[b]')).toEqual([-2, 0, 2, 4]);
    expect(s('sm[a]')).toEqual([0, 5, 7.5, 8.75]);
    expect(s('sm[b]')).toEqual([0, 10, 15, 17.5]);
    expect(s('d1[a]')).toEqual([0, 0, 5, 7.5]);
    expect(s('d1[b]')).toEqual([0, 0, 10, 15]);
    expect(s('i[a]')).toEqual([1, 1, 1, 1]);
    expect(s('i[b]')).toEqual([2, 2, 2, 2]);
  });
});

// ---- material delays ----------------------------------------------------------------------------

/** Euler steps of an order-n material delay, written out from the documented definition. */
function materialDelay(input: (t: number) => number, time: number, order: number, initial: number | undefined, dt: number, steps: number): number[] {
  const tau = time / order;
  const content = new Array<number>(order).fill((initial ?? input(0)) * tau);
  const out: number[] = [];
  for (let k = 0; k <= steps; k++) {
    const t = k * dt;
    const rates = content.map((c) => c / tau);
    out.push(rates[order - 1]!);
    const inflows = [input(t), ...rates.slice(0, -1)];
    for (let i = 0; i < order; i++) content[i] = content[i]! + dt * (inflows[i]! - rates[i]!);
  }
  return out;
}

describe('DELAY1, DELAY3, DELAYN', () => {
  test('DELAY1 of a step, dt 1', () => {
    // content starts at input(0)·2 = 0; outflow = content / 2
    expect(ok('aux x = DELAY1(STEP(10, 1), 2)')('x')).toEqual([0, 0, 5, 7.5, 8.75, 9.375]);
  });

  test('DELAY1 of a step, dt 0.5', () => {
    expect(ok('aux x = DELAY1(STEP(10, 1), 2)', { stop: 3, dt: 0.5 })('x')).toEqual([0, 0, 0, 2.5, 4.375, 5.78125, 6.8359375]);
  });

  test('DELAY1 with an initial outflow', () => {
    // content starts at 4·2 = 8
    expect(ok('aux x = DELAY1(STEP(10, 1), 2, 4)')('x')).toEqual([4, 2, 6, 8, 9, 9.5]);
  });

  test('DELAY1 starts at the input by default, even when the input later changes', () => {
    expect(ok('aux x = DELAY1(5, 2)')('x')).toEqual([5, 5, 5, 5, 5, 5]);
    // in = 3 + t, time 2: content starts at 3·2 = 6 and gains in − out each step:
    // 6 → 6 + (3 − 3) = 6 → 6 + (4 − 3) = 7 → 7 + (5 − 3.5) = 8.5 → 10.25 → 12.125; out = content / 2
    expect(ok('aux x = DELAY1(TIME + 3, 2)')('x')).toEqual([3, 3, 3.5, 4.25, 5.125, 6.0625]);
  });

  test('DELAY3 with stage time equal to dt passes material on one stage per step', () => {
    expect(ok('aux x = DELAY3(STEP(9, 1), 3)', { stop: 6 })('x')).toEqual([0, 0, 0, 0, 9, 9, 9]);
    // default initial outflow = input at the start (6): the input t − 3 steps ago afterwards
    expect(ok('aux x = DELAY3(TIME + 6, 3)')('x')).toEqual([6, 6, 6, 6, 7, 8]);
    expect(ok('aux x = DELAY3(9, 3)')('x')).toEqual([9, 9, 9, 9, 9, 9]);
  });

  test('DELAY3 with dt 0.5 and an explicit initial outflow 0', () => {
    // stage time 1, dt 0.5: each stage closes half the gap to the one before per step
    // stage 1: 0, 4, 6, 7, 7.5; stage 2: 0, 0, 2, 4, 5.5; stage 3: 0, 0, 0, 1, 2.5, 4
    expect(ok('aux x = DELAY3(8, 3, 0)', { stop: 2.5, dt: 0.5 })('x')).toEqual([0, 0, 0, 1, 2.5, 4]);
  });

  test('DELAYN of order 2 with dt 0.5', () => {
    expect(ok('aux x = DELAYN(STEP(4, 1), 2, 2)', { stop: 2.5, dt: 0.5 })('x')).toEqual([0, 0, 0, 0, 1, 2]);
  });

  test('DELAYN with an initial outflow draining a zero input', () => {
    // stage time 2, contents 12, 12: outflow 6, 6, 4.5, 3, 1.875
    expect(ok('aux x = DELAYN(0, 4, 2, 6)', { stop: 4 })('x')).toEqual([6, 6, 4.5, 3, 1.875]);
  });

  test('DELAYN of order 1 and 3 (order given by a constant) equal DELAY1 and DELAY3', () => {
    const s = ok(
      'const n = 3\naux in = 5 + STEP(4, 1) + RAMP(2, 3)\naux d1 = DELAY1(in, 2.5)\naux n1 = DELAYN(in, 2.5, 1)\naux d3 = DELAY3(in, 2.5, 1)\naux n3 = DELAYN(in, 2.5, n, 1)',
      { stop: 8, dt: 0.25 },
    );
    expect(s('n1')).toEqual(s('d1'));
    expect(s('n3')).toEqual(s('d3'));
  });

  test('the order must be a whole number', () => {
    for (const equation of ['DELAYN(5, 2, 2.5)', 'SMTHN(5, 2, 1.5)']) {
      const c = compileSource(source(`aux x = ${equation}`, { stop: 1 }), 'm.cwm');
      expect(c.diagnostics.filter((d) => d.severity === 'error').length, equation).toBeGreaterThan(0);
    }
  });

  test('a constant that sets the order cannot silently be overridden at run time', () => {
    // The order fixes the number of stocks. Overriding n must either be refused or take effect;
    // it must not report n = 1 while the delay keeps two stages.
    const src = source('const n = 2\naux x = DELAYN(STEP(4, 1), 2, n)', { stop: 2.5, dt: 0.5 });
    for (const backend of ['generated', 'interpreter'] as const) {
      const model = compileWith(src, backend);
      let result: RunResult | undefined;
      try {
        result = simulate(model, { overrides: { n: 1 } });
      } catch {
        continue; // refused: fine
      }
      // order 1, delay 2, dt 0.5: content 0, 0, 0, 2, 3.5, 4.625 → outflow = content / 2
      expect(Array.from(getSeries(result, 'x')!)).toEqual([0, 0, 0, 1, 1.75, 2.3125]);
    }
  });

  test('Euler steps agree with the documented chain of stocks over a long run', () => {
    const input = (t: number): number => 5 + (t >= 1 ? 4 : 0) + (t > 3 ? 2 * (t - 3) : 0);
    const s = ok('aux in = 5 + STEP(4, 1) + RAMP(2, 3)\naux d1 = DELAY1(in, 2.5)\naux d3 = DELAY3(in, 3, 1)\naux d5 = DELAYN(in, 2, 5)', { stop: 10, dt: 0.25 });
    expectClose(s('d1'), materialDelay(input, 2.5, 1, undefined, 0.25, 40), 10);
    expectClose(s('d3'), materialDelay(input, 3, 3, 1, 0.25, 40), 10);
    expectClose(s('d5'), materialDelay(input, 2, 5, undefined, 0.25, 40), 10);
  });

  test('material is conserved: in-transit = what went in − what came out', () => {
    // DELAY3 starts holding input(0)·time = 30; with the input at 15 from t = 2, transit ends at 45.
    const s = ok('stock In = 0\n  inflow: i\nflow i = 10 + STEP(5, 2)\nstock Out = 0\n  inflow: o\nflow o = DELAY3(i, 3)', { stop: 60, dt: 0.25 });
    const last = s('In').length - 1;
    expect(s('In')[last]! - s('Out')[last]! + 30).toBeCloseTo(45, 6);
    expect(s('o')[last]).toBeCloseTo(15, 6);
  });
});

// ---- smoothing ----------------------------------------------------------------------------------

describe('SMTH1, SMTH3, SMTHN', () => {
  test('SMTH1 starts at the input by default and closes half the gap per step when time = 2·dt', () => {
    expect(ok('aux x = SMTH1(10 + STEP(10, 1), 2)')('x')).toEqual([10, 10, 15, 17.5, 18.75, 19.375]);
  });

  test('SMTH1 default initial is the input at the start, not later', () => {
    // in = 4 + t, time 4: 4, 4, 4 + 1/4, 4.25 + (6 − 4.25)/4
    expect(ok('aux x = SMTH1(TIME + 4, 4)', { stop: 3 })('x')).toEqual([4, 4, 4.25, 4.6875]);
  });

  test('SMTH1 with an explicit initial value (a number or a constant)', () => {
    expect(ok('aux x = SMTH1(10, 2, 0)', { stop: 3 })('x')).toEqual([0, 5, 7.5, 8.75]);
    expect(ok('const s0 = 3\naux x = SMTH1(10, 2, s0)', { stop: 3 })('x')).toEqual([3, 6.5, 8.25, 9.125]);
    expect(ok('aux x = SMTH1(8, 1, 0)', { stop: 2, dt: 0.5 })('x')).toEqual([0, 4, 6, 7, 7.5]);
  });

  test('SMTH1 of a ramp lags by the smoothing time', () => {
    const s = ok('aux x = SMTH1(TIME, 2)\naux lag = TIME - x', { stop: 60 });
    expect(s('x').slice(0, 6)).toEqual([0, 0, 0.5, 1.25, 2.125, 3.0625]);
    expect(s('lag')[60]).toBeCloseTo(2, 12);
  });

  test('SMTH3 with and without an initial value', () => {
    expect(ok('aux x = SMTH3(8, 3, 0)', { stop: 3 })('x')).toEqual([0, 0, 0, 8]);
    expect(ok('aux x = SMTH3(8, 3)', { stop: 3 })('x')).toEqual([8, 8, 8, 8]);
    expect(ok('aux x = SMTH3(STEP(9, 1), 3)', { stop: 6 })('x')).toEqual([0, 0, 0, 0, 9, 9, 9]);
    expect(ok('aux x = SMTH3(8, 3, 0)', { stop: 2.5, dt: 0.5 })('x')).toEqual([0, 0, 0, 1, 2.5, 4]);
  });

  test('SMTHN of order 2, with an initial value and with a draining input', () => {
    expect(ok('aux x = SMTHN(8, 4, 2, 0)', { stop: 3 })('x')).toEqual([0, 0, 2, 4]);
    expect(ok('aux x = SMTHN(0, 2, 2, 6)', { stop: 3 })('x')).toEqual([6, 6, 0, 0]);
    expect(ok('aux x = SMTHN(7, 2, 2)', { stop: 3 })('x')).toEqual([7, 7, 7, 7]);
  });

  test('SMTHN of order 1 and 3 equal SMTH1 and SMTH3', () => {
    const s = ok('aux in = 5 + STEP(4, 1) + RAMP(2, 3)\naux s1 = SMTH1(in, 2.5)\naux n1 = SMTHN(in, 2.5, 1)\naux s3 = SMTH3(in, 2.5, 2)\naux n3 = SMTHN(in, 2.5, 3, 2)', {
      stop: 8,
      dt: 0.25,
    });
    expect(s('n1')).toEqual(s('s1'));
    expect(s('n3')).toEqual(s('s3'));
  });

  test('Euler steps agree with the documented chain of smooths', () => {
    const input = (t: number): number => 5 + (t >= 1 ? 4 : 0) + (t > 3 ? 2 * (t - 3) : 0);
    const smooth = (time: number, order: number, initial: number | undefined): number[] => {
      const stages = new Array<number>(order).fill(initial ?? input(0));
      const out: number[] = [];
      for (let k = 0; k <= 40; k++) {
        out.push(stages[order - 1]!);
        const before = [input(k * 0.25), ...stages.slice(0, -1)];
        for (let i = 0; i < order; i++) stages[i] = stages[i]! + (0.25 * (before[i]! - stages[i]!)) / (time / order);
      }
      return out;
    };
    const s = ok('aux in = 5 + STEP(4, 1) + RAMP(2, 3)\naux a = SMTH1(in, 1.5)\naux b = SMTH3(in, 3, 20)\naux c = SMTHN(in, 2, 4)', { stop: 10, dt: 0.25 });
    expectClose(s('a'), smooth(1.5, 1, undefined), 10);
    expectClose(s('b'), smooth(3, 3, 20), 10);
    expectClose(s('c'), smooth(2, 4, undefined), 10);
  });
});

// ---- TREND and FORCST ---------------------------------------------------------------------------

describe('TREND and FORCST', () => {
  test('hand-computed steps for a constant input with an initial trend', () => {
    // average starts at 12 / (1 + 0.5·2) = 6, then 9, 10.5, 11.25
    const s = ok('aux t = TREND(12, 2, 0.5)\naux f = FORCST(12, 2, 4, 0.5)', { stop: 3 });
    expectClose(s('t'), [0.5, 1 / 6, 1 / 14, 1 / 30], 14);
    expectClose(s('f'), [36, 20, 108 / 7, 13.6], 12);
  });

  test('the initial trend defaults to 0', () => {
    const s = ok('aux t = TREND(12, 2)\naux f = FORCST(12, 2, 4)\naux r = TREND(TIME + 1, 2)', { stop: 3 });
    expect(s('t')).toEqual([0, 0, 0, 0]);
    expect(s('f')).toEqual([12, 12, 12, 12]);
    // average 1, 1, 1.5, 2.25 against input 1, 2, 3, 4
    expectClose(s('r'), [0, 0.5, 0.5, 1.75 / 4.5], 14);
  });

  test('steady exponential growth gives the growth rate, and FORCST the linear projection', () => {
    // For input ∝ e^(g·t), the average settles at input/(1 + g·T), so TREND = g. With Euler and
    // dt = 1/64 the discrete steady state differs from g by about g²·dt/2 ≈ 1e-4.
    const g = 0.1;
    const s = ok(
      `aux input = 100 * EXP(${g} * TIME)\naux t = TREND(input, 2, ${g})\naux t0 = TREND(input, 2)\naux f = FORCST(input, 2, 5, ${g})\naux down = TREND(100 * EXP(-${g} * TIME), 2, -${g})`,
      { stop: 20, dt: 1 / 64 },
    );
    expect(s('t')[0]).toBeCloseTo(g, 12);
    expect(s('f')[0]).toBeCloseTo(100 * (1 + g * 5), 9);
    s('t').forEach((x) => expect(Math.abs(x - g)).toBeLessThan(1e-3));
    s('down').forEach((x) => expect(Math.abs(x + g)).toBeLessThan(1e-3));
    s('f').forEach((x, n) => expect(Math.abs(x / s('input')[n]! - (1 + g * 5))).toBeLessThan(5e-3));
    // Without an initial trend it starts at 0 and converges (the gap decays like e^(−t/2)).
    expect(s('t0')[0]).toBe(0);
    expect(Math.abs(s('t0')[20 * 64]! - g)).toBeLessThan(1e-3);
  });

  test('FORCST with a horizon of 0 is the input itself', () => {
    expect(ok('aux f = FORCST(TIME + 1, 2, 0)')('f')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('an input of zero gives a trend of zero rather than stopping the run', () => {
    const s = ok('aux t = TREND(0, 2)\naux f = FORCST(0, 2, 3)', { stop: 3 });
    expect(s('t')).toEqual([0, 0, 0, 0]);
    expect(s('f')).toEqual([0, 0, 0, 0]);
  });
});

// ---- graphical functions ------------------------------------------------------------------------

describe('graphical functions', () => {
  // Points (0, 2), (1, 10), (3, 20): unequal spacing, non-zero first y.
  // x = TIME − 1 runs over −1, −0.5, …, 5 with dt 0.5: below, at the first point, inside the first
  // segment, at the middle point, inside the second segment, at the last point, and above.
  const xs = range(13).map((k) => k / 2 - 1);
  const expected: Record<string, number[]> = {
    continuous: [2, 2, 2, 6, 10, 12.5, 15, 17.5, 20, 20, 20, 20, 20],
    extrapolate: [-6, -2, 2, 6, 10, 12.5, 15, 17.5, 20, 22.5, 25, 27.5, 30],
    discrete: [2, 2, 2, 2, 10, 10, 10, 10, 20, 20, 20, 20, 20],
  };

  test('the input values are the intended ones', () => {
    expect(ok('aux x = TIME - 1', { stop: 6, dt: 0.5 })('x')).toEqual(xs);
  });

  test.each(['continuous', 'extrapolate', 'discrete'])('%s: as "G"(x), LOOKUP(G, x) and a graph variable with an input', (mode) => {
    const body = [
      `graph "Table G"`,
      `  points: (0, 2), (1, 10), (3, 20)`,
      `  interpolation: ${mode}`,
      `graph "H" = TIME - 1`,
      `  x: 0, 1, 3`,
      `  y: 2, 10, 20`,
      `  interpolation: ${mode}`,
      `aux called = "Table G"(TIME - 1)`,
      `aux looked = LOOKUP("Table G", TIME - 1)`,
      `aux "called unquoted" = table_g(TIME - 1)`,
    ].join('\n');
    const s = ok(body, { stop: 6, dt: 0.5 });
    expect(s('called')).toEqual(expected[mode]);
    expect(s('looked')).toEqual(expected[mode]);
    expect(s('called unquoted')).toEqual(expected[mode]);
    expect(s('H')).toEqual(expected[mode]);
  });

  test('LOOKUP and a call use the table of a graph variable, not its current value', () => {
    const s = ok('graph H = TIME\n  points: (0, 0), (10, 100)\naux a = LOOKUP(H, 5)\naux b = H(2.5)', { stop: 2 });
    expect(s('H')).toEqual([0, 10, 20]);
    expect(s('a')).toEqual([50, 50, 50]);
    expect(s('b')).toEqual([25, 25, 25]);
  });

  test('far beyond both ends', () => {
    const body = ['continuous', 'extrapolate', 'discrete']
      .map((mode) => `graph ${mode}_g\n  points: (0, 2), (1, 10), (3, 20)\n  interpolation: ${mode}\naux ${mode}_lo = ${mode}_g(-100)\naux ${mode}_hi = ${mode}_g(1000)`)
      .join('\n');
    const s = ok(body, { stop: 1 });
    expect([s('continuous_lo')[0], s('continuous_hi')[0]]).toEqual([2, 20]);
    expect([s('extrapolate_lo')[0], s('extrapolate_hi')[0]]).toEqual([2 - 800, 20 + 5 * 997]);
    expect([s('discrete_lo')[0], s('discrete_hi')[0]]).toEqual([2, 20]);
  });

  test('a decreasing table used by a stock (effect of occupancy on admissions)', () => {
    const body = [
      'stock P = 80',
      '  inflow: admissions',
      'flow admissions = 10 * pressure',
      'graph pressure = P / 100',
      '  points: (0.5, 1), (0.8, 1), (1, 0.5)',
      '  interpolation: continuous',
    ].join('\n');
    const s = ok(body, { stop: 3 });
    // P/100 = 0.8 → 1; P = 90 → 0.75; P = 97.5 → 0.5625; P = 103.125 → beyond: 0.5
    expectClose(s('pressure'), [1, 0.75, 0.5625, 0.5], 12);
    expectClose(s('P'), [80, 90, 97.5, 103.125], 12);
  });
});

// ---- random numbers -----------------------------------------------------------------------------

describe('random functions', () => {
  const DISTRIBUTIONS = ['UNIFORM(2, 5)', 'NORMAL(10, 2)', 'LOGNORMAL(5, 2)', 'EXPRND(3)', 'POISSON(4)'];
  const body = DISTRIBUTIONS.map((d, i) => `aux r${i} = ${d}`).join('\n');
  const draws = (seed: number, stop = 49, sim: SimSpec = {}): number[][] => {
    const s = ok(body, { stop, ...sim }, sim.seed === undefined ? { seed } : {});
    return DISTRIBUTIONS.map((_, i) => s(`r${i}`));
  };

  test('the same seed gives identical series; a different seed gives different ones', () => {
    const a = draws(42);
    const b = draws(42);
    const c = draws(43);
    DISTRIBUTIONS.forEach((_, i) => {
      expect(a[i]).toEqual(b[i]);
      expect(a[i]).not.toEqual(c[i]);
    });
  });

  test('the seed in the simulation section is the default; 0 when none is given', () => {
    expect(draws(0, 49, { seed: 42 })).toEqual(draws(42));
    expect(ok(body, { stop: 49 })('r0')).toEqual(draws(0)[0]);
  });

  test('one draw per step: the numbers change every step', () => {
    const [u] = draws(5, 999);
    expect(new Set(u).size).toBe(1000);
  });

  test('one draw per use: two uses with the same arguments differ', () => {
    const s = ok('aux a = UNIFORM(0, 1)\naux b = UNIFORM(0, 1)', { stop: 49 }, { seed: 1 });
    expect(s('a')).not.toEqual(s('b'));
  });

  test('each element of an array draws its own numbers', () => {
    const s = ok('dimension D: one, two, three\naux r[D] = UNIFORM(0, 1)', { stop: 49 }, { seed: 1 });
    expect(s('r[one]')).not.toEqual(s('r[two]'));
    expect(s('r[two]')).not.toEqual(s('r[three]'));
  });

  test('the same draw in every RK sub-step, so the numbers do not depend on the method', () => {
    const src = 'aux x = NORMAL(0, 1)\naux u = UNIFORM(0, 1)\nstock S = 0\n  inflow: f\nflow f = u';
    const euler = ok(src, { stop: 20, dt: 0.5, method: 'euler' }, { seed: 9 });
    for (const method of ['rk2', 'rk4'] as const) {
      const other = ok(src, { stop: 20, dt: 0.5, method }, { seed: 9 });
      expect(other('x')).toEqual(euler('x'));
      expect(other('u')).toEqual(euler('u'));
      // f is constant within each step, so every method integrates it as Euler does.
      expectClose(other('S'), euler('S'), 10);
    }
  });

  test('a seed argument gives the call its own stream, independent of the run seed', () => {
    const seeded = ['UNIFORM(0, 1, 7)', 'NORMAL(0, 1, 7)', 'LOGNORMAL(5, 2, 7)', 'EXPRND(3, 7)', 'POISSON(4, 7)'];
    const src = seeded.map((d, i) => `aux r${i} = ${d}`).join('\n');
    const a = ok(src, { stop: 29 }, { seed: 1 });
    const b = ok(src, { stop: 29 }, { seed: 2 });
    const c = ok(src.replace(/7\)/g, '8)'), { stop: 29 }, { seed: 1 });
    seeded.forEach((_, i) => {
      expect(a(`r${i}`)).toEqual(b(`r${i}`));
      expect(a(`r${i}`)).not.toEqual(c(`r${i}`));
    });
    // …and it differs from the unseeded stream of the same run seed.
    expect(a('r0')).not.toEqual(ok('aux r0 = UNIFORM(0, 1)', { stop: 29 }, { seed: 1 })('r0'));
  });

  test('a seed argument fixes the numbers of that call whatever else the model contains', () => {
    const alone = ok('aux x = UNIFORM(0, 1, 7)', { stop: 29 }, { seed: 1 })('x');
    const withOthers = ok('aux a = UNIFORM(0, 1)\naux b = NORMAL(0, 1)\naux x = UNIFORM(0, 1, 7)', { stop: 29 }, { seed: 1 })('x');
    expect(withOthers).toEqual(alone);
  });

  test('degenerate parameters give the obvious constant', () => {
    const s = ok('aux n = NORMAL(7, 0)\naux u = UNIFORM(3, 3)\naux l = LOGNORMAL(4, 0)\naux e = EXPRND(0)\naux p = POISSON(0)', { stop: 9 }, { seed: 2 });
    expect(s('n')).toEqual(new Array(10).fill(7));
    expect(s('u')).toEqual(new Array(10).fill(3));
    expectClose(s('l'), new Array(10).fill(4), 12);
    expect(s('e')).toEqual(new Array(10).fill(0));
    expect(s('p')).toEqual(new Array(10).fill(0));
  });

  test('values within bounds', () => {
    const [u, , ln, ex, po] = draws(8, 19999);
    expect(Math.min(...u!)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u!)).toBeLessThanOrEqual(5);
    expect(Math.min(...ln!)).toBeGreaterThan(0);
    expect(Math.min(...ex!)).toBeGreaterThanOrEqual(0);
    expect(po!.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    expect(ok('aux x = UNIFORM(-1, -0.5)', { stop: 999 }, { seed: 4 })('x').every((x) => x >= -1 && x <= -0.5)).toBe(true);
  });

  describe('sample moments over 20 000 steps', () => {
    // Tolerances are 5 standard errors of the statistic: for the mean σ/√n; for the sample
    // variance σ²·√(2/(n−1) + κ/n) with κ the excess kurtosis of the distribution; for a fraction p,
    // √(p(1−p)/n). A correct generator fails a 5-SE check with probability about 6e-7 (normal
    // approximation), and the seeds are fixed, so the outcome is deterministic.
    const n = 20000;
    const Z = 5;
    const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = (xs: readonly number[]): number => {
      const m = mean(xs);
      return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
    };
    const fraction = (xs: readonly number[], p: (x: number) => boolean): number => xs.filter(p).length / xs.length;
    const lag1 = (xs: readonly number[]): number => {
      const m = mean(xs);
      let num = 0;
      let den = 0;
      for (let i = 0; i < xs.length; i++) {
        den += (xs[i]! - m) ** 2;
        if (i > 0) num += (xs[i]! - m) * (xs[i - 1]! - m);
      }
      return num / den;
    };
    const checkMoments = (xs: readonly number[], mu: number, sigma2: number, kurtosis: number): void => {
      expect(xs.length).toBe(n);
      expect(Math.abs(mean(xs) - mu)).toBeLessThan(Z * Math.sqrt(sigma2 / n));
      expect(Math.abs(variance(xs) - sigma2)).toBeLessThan(Z * sigma2 * Math.sqrt(2 / (n - 1) + kurtosis / n));
      // Successive draws are uncorrelated: the lag-1 autocorrelation has standard error 1/√n.
      expect(Math.abs(lag1(xs))).toBeLessThan(Z / Math.sqrt(n));
    };
    const run20000 = (expression: string, seed: number): number[] => ok(`aux x = ${expression}`, { stop: n - 1 }, { seed })('x');

    test('UNIFORM(2, 5): mean 3.5, variance 9/12, a quarter below 2.75', () => {
      const xs = run20000('UNIFORM(2, 5)', 1);
      checkMoments(xs, 3.5, 9 / 12, -1.2);
      expect(Math.abs(fraction(xs, (x) => x < 2.75) - 0.25)).toBeLessThan(Z * Math.sqrt((0.25 * 0.75) / n));
    });

    test('NORMAL(10, 2): mean 10, variance 4, 68.27% within one sd', () => {
      const xs = run20000('NORMAL(10, 2)', 2);
      checkMoments(xs, 10, 4, 0);
      const p = 0.682689492137;
      expect(Math.abs(fraction(xs, (x) => Math.abs(x - 10) < 2) - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / n));
    });

    test('LOGNORMAL(5, 2): positive, mean 5, variance 4 (the distribution’s own moments)', () => {
      const xs = run20000('LOGNORMAL(5, 2)', 3);
      const s2 = Math.log(1 + 4 / 25); // σ² of the underlying normal
      const kurtosis = Math.exp(4 * s2) + 2 * Math.exp(3 * s2) + 3 * Math.exp(2 * s2) - 6;
      checkMoments(xs, 5, 4, kurtosis);
      // The median of the log-normal is e^μ = mean / √(1 + sd²/mean²).
      const median = 5 / Math.sqrt(1 + 4 / 25);
      expect(Math.abs(fraction(xs, (x) => x < median) - 0.5)).toBeLessThan(Z * Math.sqrt(0.25 / n));
    });

    test('EXPRND(3): non-negative, mean 3, variance 9, e^−1 above the mean', () => {
      const xs = run20000('EXPRND(3)', 4);
      checkMoments(xs, 3, 9, 6);
      const p = Math.exp(-1);
      expect(Math.abs(fraction(xs, (x) => x > 3) - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / n));
    });

    test('POISSON(4): whole numbers, mean 4, variance 4, P(0) = e^−4', () => {
      const xs = run20000('POISSON(4)', 5);
      checkMoments(xs, 4, 4, 1 / 4);
      const p = Math.exp(-4);
      expect(Math.abs(fraction(xs, (x) => x === 0) - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / n));
    });

    test('POISSON(0.5): P(0) = e^−0.5, P(1) = 0.5·e^−0.5', () => {
      const xs = run20000('POISSON(0.5)', 6);
      checkMoments(xs, 0.5, 0.5, 2);
      const p0 = Math.exp(-0.5);
      const p1 = 0.5 * Math.exp(-0.5);
      expect(Math.abs(fraction(xs, (x) => x === 0) - p0)).toBeLessThan(Z * Math.sqrt((p0 * (1 - p0)) / n));
      expect(Math.abs(fraction(xs, (x) => x === 1) - p1)).toBeLessThan(Z * Math.sqrt((p1 * (1 - p1)) / n));
    });

    test('POISSON(1000) (large mean): whole numbers, mean and variance 1000', () => {
      const xs = run20000('POISSON(1000)', 7);
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      checkMoments(xs, 1000, 1000, 1 / 1000);
    });

    test('a seeded call has the right moments too', () => {
      checkMoments(run20000('NORMAL(-3, 0.5, 12345)', 1), -3, 0.25, 0);
    });
  });
});

// ---- reductions ---------------------------------------------------------------------------------

describe('array reductions', () => {
  const dims = 'dimension D: d1, d2, d3, d4, d5, d6, d7, d8\n';

  test('SUM, MEAN, MIN, MAX, PROD, STDDEV, SIZE of constants', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, population sd √(32/8) = 2
    const s = ok(
      `${dims}const x[D] = 2, 4, 4, 4, 5, 5, 7, 9\naux total = SUM(x[*])\naux average = MEAN(x[*])\naux smallest = MIN(x[*])\naux largest = MAX(x[*])\naux product = PROD(x[*])\naux spread = STDDEV(x[*])\naux count = SIZE(x[*])`,
      { stop: 1 },
    );
    expect(s('total')).toEqual([40, 40]);
    expect(s('average')).toEqual([5, 5]);
    expect(s('smallest')).toEqual([2, 2]);
    expect(s('largest')).toEqual([9, 9]);
    expect(s('product')).toEqual([201600, 201600]);
    expect(s('spread')).toEqual([2, 2]);
    expect(s('count')).toEqual([8, 8]);
  });

  test('negative and mixed values', () => {
    const s = ok('dimension E: a, b, c, d\nconst y[E] = -3, 1, -0.5, 2\naux total = SUM(y[*])\naux average = MEAN(y[*])\naux smallest = MIN(y[*])\naux largest = MAX(y[*])\naux product = PROD(y[*])\naux spread = STDDEV(y[*])', { stop: 1 });
    expect(s('total')[0]).toBe(-0.5);
    expect(s('average')[0]).toBe(-0.125);
    expect(s('smallest')[0]).toBe(-3);
    expect(s('largest')[0]).toBe(2);
    expect(s('product')[0]).toBe(3);
    // deviations from −0.125: −2.875, 1.125, −0.375, 2.125 → squares sum 8.265625+1.265625+0.140625+4.515625 = 14.1875
    expect(s('spread')[0]).toBeCloseTo(Math.sqrt(14.1875 / 4), 14);
  });

  test('over expressions, over time-varying elements and over a stock', () => {
    const body = `${dims}const x[D] = 2, 4, 4, 4, 5, 5, 7, 9
const w[D] = 1, 0, 0, 0, 0, 0, 0, 2
aux weighted = SUM(x[*] * w[*])
aux v[D] = TIME * D
aux vs = SUM(v[*])
aux vmean = MEAN(v[*])
aux vmax = MAX(v[*])
aux vmin = MIN(v[*])
aux vsd = STDDEV(v[*])
stock S[D] = 1
  inflow: g
flow g[D] = D
aux stotal = SUM(S[*])
aux pairwise = MIN(vs, 10)`;
    const s = ok(body, { stop: 2 });
    expect(s('weighted')).toEqual([20, 20, 20]);
    expect(s('vs')).toEqual([0, 36, 72]);
    expect(s('vmean')).toEqual([0, 4.5, 9]);
    expect(s('vmax')).toEqual([0, 8, 16]);
    expect(s('vmin')).toEqual([0, 1, 2]);
    // population sd of 1..8 is √(63/12) = √5.25
    expectClose(s('vsd'), [0, Math.sqrt(5.25), 2 * Math.sqrt(5.25)], 12);
    expect(s('stotal')).toEqual([8, 44, 80]);
    expect(s('pairwise')).toEqual([0, 10, 10]);
  });

  test('two-dimensional arrays, whole and by row', () => {
    const body = `dimension R: r1, r2
dimension C: c1, c2, c3
const m[R, C] = 1, 2, 3; 4, 5, 6
aux total = SUM(m[*, *])
aux product = PROD(m[*, *])
aux average = MEAN(m[*, *])
aux count = SIZE(m[*, *])
aux spread = STDDEV(m[*, *])
aux "row sum"[R] = SUM(m[R, *])
aux "column max"[C] = MAX(m[*, C])`;
    const s = ok(body, { stop: 1 });
    expect(s('total')[0]).toBe(21);
    expect(s('product')[0]).toBe(720);
    expect(s('average')[0]).toBe(3.5);
    expect(s('count')[0]).toBe(6);
    expect(s('spread')[0]).toBeCloseTo(Math.sqrt(17.5 / 6), 14);
    expect([s('row sum[r1]')[0], s('row sum[r2]')[0]]).toEqual([6, 15]);
    expect([s('column max[c1]')[0], s('column max[c2]')[0], s('column max[c3]')[0]]).toEqual([4, 5, 6]);
  });

  test('a one-element array', () => {
    const s = ok('dimension One: only\nconst z[One] = 7\naux sd = STDDEV(z[*])\naux avg = MEAN(z[*])\naux n = SIZE(z[*])', { stop: 1 });
    expect([s('sd')[0], s('avg')[0], s('n')[0]]).toEqual([0, 7, 1]);
  });
});
