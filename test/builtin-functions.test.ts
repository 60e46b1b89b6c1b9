import { describe, expect, test } from 'vitest';
import { simulate, type SimulateOptions } from '../engine/src/index.js';
import { compile, series } from './helpers.js';

/** Runs `equations` over [start, stop] with dt (Euler) on both backends; they must agree exactly. */
function run(equations: string, { start = 0, stop = 5, dt = 1 } = {}, options: SimulateOptions = {}): (name: string) => number[] {
  const src = `simulation\n  start: ${start}\n  stop: ${stop}\n  dt: ${dt}\n${equations}`;
  const generated = simulate(compile(src), options);
  const interpreted = simulate(compile(src, { backend: 'interpreter' }), options);
  expect(generated.series.map((s) => Array.from(s.values))).toEqual(interpreted.series.map((s) => Array.from(s.values)));
  expect(generated.error).toBeUndefined();
  return (name) => series(generated, name);
}

const at0 = (equation: string): number => run(`aux x = ${equation}`, { stop: 1 })('x')[0]!;

describe('mathematical functions', () => {
  test.each([
    ['ABS(-3)', 3],
    ['EXP(1)', Math.E],
    ['LN(EXP(2))', 2],
    ['LOG10(1000)', 3],
    ['SQRT(16)', 4],
    ['SIN(PI / 2)', 1],
    ['COS(0)', 1],
    ['ARCSIN(1)', Math.PI / 2],
    ['ARCCOS(1)', 0],
    ['ARCTAN(1)', Math.PI / 4],
    ['INT(2.7)', 2],
    ['INT(-2.5)', -3],
    ['ROUND(2.5)', 3],
    ['ROUND(-2.5)', -3],
    ['ROUND(2.49)', 2],
    ['MOD(7, 3)', 1],
    ['MOD(-7, 3)', 2],
    ['MOD(7, -3)', -2],
    ['-7 mod 3', 2], // unary minus binds tighter than mod, as in XMILE
    ['MIN(2, 5)', 2],
    ['MAX(2, 5)', 5],
    ['SAFEDIV(6, 3)', 2],
    ['SAFEDIV(1, 0)', 0],
    ['SAFEDIV(1, 0, 9)', 9],
    ['IF_THEN_ELSE(1 > 0, 2, 3)', 2],
    ['IF_THEN_ELSE(0, 2, 3)', 3],
    ['if 2 >= 2 and not 0 then 4 else 5', 4],
  ])('%s = %d', (equation, expected) => {
    expect(at0(equation)).toBeCloseTo(expected, 14);
  });

  test('TAN, PI and INF', () => {
    expect(at0('TAN(PI / 4)')).toBeCloseTo(1, 14);
    expect(at0('PI')).toBe(Math.PI);
    expect(at0('MIN(INF, 3)')).toBe(3);
    expect(at0('-INF < -1e308')).toBe(1);
  });
});

describe('time', () => {
  test('TIME, DT, STARTTIME and STOPTIME', () => {
    const s = run('aux t = TIME\naux step = DT\naux s0 = STARTTIME\naux s1 = STOPTIME', { start: 2, stop: 4, dt: 0.5 });
    expect(s('t')).toEqual([2, 2.5, 3, 3.5, 4]);
    expect(s('step')).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(s('s0')).toEqual([2, 2, 2, 2, 2]);
    expect(s('s1')).toEqual([4, 4, 4, 4, 4]);
  });

  test('STEP switches on at its time, including between whole numbers', () => {
    expect(run('aux x = STEP(3, 2)')('x')).toEqual([0, 0, 3, 3, 3, 3]);
    expect(run('aux x = STEP(3, 1.5)', { stop: 2, dt: 0.5 })('x')).toEqual([0, 0, 0, 3, 3]);
    expect(run('aux x = STEP(3, 0.1 + 0.2)', { stop: 0.5, dt: 0.1 })('x')).toEqual([0, 0, 0, 3, 3, 3]);
  });

  test('PULSE at the start time moves its whole volume into a stock in the first step', () => {
    const s = run('stock S = 0\n  inflow: f\nflow f = PULSE(10, 0)', { stop: 2, dt: 0.5 });
    expect(s('f')).toEqual([20, 0, 0, 0, 0]);
    expect(s('S')).toEqual([0, 10, 10, 10, 10]);
  });

  test('PULSE with a repeat interval', () => {
    expect(run('aux x = PULSE(4, 1, 2)', { stop: 6 })('x')).toEqual([0, 4, 0, 4, 0, 4, 0]);
    expect(run('aux x = PULSE(4, 1, 0)', { stop: 6 })('x')).toEqual([0, 4, 0, 0, 0, 0, 0]);
  });

  test('RAMP with and without an end time', () => {
    expect(run('aux x = RAMP(2, 1)')('x')).toEqual([0, 0, 2, 4, 6, 8]);
    expect(run('aux x = RAMP(2, 1, 3)')('x')).toEqual([0, 0, 2, 4, 4, 4]);
  });
});

describe('memory functions', () => {
  test('INIT keeps the value at the start', () => {
    expect(run('aux x = INIT(TIME + 5)')('x')).toEqual([5, 5, 5, 5, 5, 5]);
  });

  test('PREVIOUS returns the value one step ago, the initial (default 0) at the start', () => {
    const s = run('aux a = PREVIOUS(TIME)\naux b = PREVIOUS(TIME * 2, 7)\naux counter = PREVIOUS(counter, 0) + 1');
    expect(s('a')).toEqual([0, 0, 1, 2, 3, 4]);
    expect(s('b')).toEqual([7, 0, 2, 4, 6, 8]);
    expect(s('counter')).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('ACTIVE_INITIAL', () => {
  test('uses the initial value while initialising, which breaks a loop among initial values', () => {
    const s = run('stock S = x\n  inflow: f\nflow f = 1\naux x = ACTIVE_INITIAL(S * 2, 5)', { stop: 2 });
    expect(s('S')).toEqual([5, 6, 7]);
    expect(s('x')).toEqual([10, 12, 14]);
  });
});

describe('DELAY (pipeline)', () => {
  test('a changing input comes out exactly the delay time later; before that the input at the start', () => {
    expect(run('aux x = DELAY(TIME + 1, 2)')('x')).toEqual([1, 1, 1, 2, 3, 4]);
    expect(run('aux x = DELAY(TIME, 2, 5)')('x')).toEqual([5, 5, 0, 1, 2, 3]);
  });

  test('a step in the input', () => {
    expect(run('aux x = DELAY(STEP(10, 1), 2)')('x')).toEqual([0, 0, 0, 10, 10, 10]);
  });

  test('a delay that is not a multiple of dt interpolates between recorded steps', () => {
    expect(run('aux x = DELAY(TIME, 1.5)')('x')).toEqual([0, 0, 0.5, 1.5, 2.5, 3.5]);
    expect(run('aux x = DELAY(TIME, 1.5)', { stop: 3, dt: 0.5 })('x')).toEqual([0, 0, 0, 0, 0.5, 1, 1.5]);
  });

  test('a delay shorter than dt acts as one dt', () => {
    expect(run('aux x = DELAY(TIME, 0.25)')('x')).toEqual([0, 0, 1, 2, 3, 4]);
  });
});

describe('material delays DELAY1, DELAY3, DELAYN', () => {
  test('DELAY1 of a step (hand-computed Euler steps)', () => {
    // stock starts at input(0)·T = 0; outflow = stock / 2
    expect(run('aux x = DELAY1(STEP(10, 1), 2)')('x')).toEqual([0, 0, 5, 7.5, 8.75, 9.375]);
  });

  test('DELAY1 with an initial outflow', () => {
    expect(run('aux x = DELAY1(STEP(10, 1), 2, 4)')('x')).toEqual([4, 2, 6, 8, 9, 9.5]);
  });

  test('DELAY3 with stage time equal to dt passes material on one stage per step', () => {
    expect(run('aux x = DELAY3(STEP(9, 1), 3)', { stop: 6 })('x')).toEqual([0, 0, 0, 0, 9, 9, 9]);
    expect(run('aux x = DELAY3(9, 3)')('x')).toEqual([9, 9, 9, 9, 9, 9]);
  });

  test('DELAYN of order 2 with dt 0.5', () => {
    expect(run('aux x = DELAYN(STEP(4, 1), 2, 2)', { stop: 2.5, dt: 0.5 })('x')).toEqual([0, 0, 0, 0, 1, 2]);
  });

  test('DELAY1 conserves material: what went in either came out or is still in transit', () => {
    const s = run('stock In = 0\n  inflow: i\nflow i = 10\nstock Out = 0\n  inflow: o\nflow o = DELAY1(i, 3)\n', { stop: 20, dt: 0.25 });
    const inTransit = s('In').map((x, n) => x - s('Out')[n]!);
    // The transit stock of DELAY1 starts at 10·3 (initial outflow = input); its content stays 30 when the input is steady.
    inTransit.forEach((x) => expect(x).toBeCloseTo(0, 9));
  });
});

describe('smoothing SMTH1, SMTH3, SMTHN', () => {
  test('SMTH1 starts at the input by default and closes half the gap per step when time = 2·dt', () => {
    expect(run('aux x = SMTH1(10 + STEP(10, 1), 2)')('x')).toEqual([10, 10, 15, 17.5, 18.75, 19.375]);
  });

  test('SMTH1 with an explicit initial value', () => {
    expect(run('aux x = SMTH1(10, 2, 0)', { stop: 3 })('x')).toEqual([0, 5, 7.5, 8.75]);
  });

  test('SMTH3 and SMTHN', () => {
    expect(run('aux x = SMTH3(8, 3, 0)', { stop: 3 })('x')).toEqual([0, 0, 0, 8]);
    expect(run('aux x = SMTH3(8, 3)', { stop: 3 })('x')).toEqual([8, 8, 8, 8]);
    expect(run('aux x = SMTHN(8, 4, 2, 0)', { stop: 3 })('x')).toEqual([0, 0, 2, 4]);
  });
});

describe('TREND and FORCST', () => {
  test('TREND starts at its initial trend and follows steady exponential growth', () => {
    const s = run('aux input = 100 * EXP(0.1 * TIME)\naux t = TREND(input, 2, 0.1)\naux f = FORCST(input, 2, 5, 0.1)\naux flat = TREND(50, 3)', { stop: 10, dt: 1 / 64 });
    expect(s('t')[0]).toBeCloseTo(0.1, 12);
    // For input growing at rate g, a first-order average lags so that (input − avg)/(avg·T) = g.
    s('t').forEach((x) => expect(x).toBeCloseTo(0.1, 2));
    s('f').forEach((x, n) => expect(x / s('input')[n]!).toBeCloseTo(1 + 0.1 * 5, 1));
    expect(s('flat')).toEqual(new Array(641).fill(0));
  });
});

describe('graphical functions', () => {
  const table = (mode: string): string => `graph g = 0\n  points: (0, 0), (1, 10), (2, 15)\n  interpolation: ${mode}\n`;
  const lookups = 'aux below = g(-1)\naux inside = g(0.5)\naux at = g(1)\naux upper = g(1.5)\naux above = LOOKUP(g, 3)\n';
  const values = (mode: string): number[] => {
    const s = run(table(mode) + lookups, { stop: 0 + 1 });
    return ['below', 'inside', 'at', 'upper', 'above'].map((n) => s(n)[0]!);
  };

  test('continuous: linear inside, flat beyond both ends', () => {
    expect(values('continuous')).toEqual([0, 5, 10, 12.5, 15]);
  });

  test('extrapolate: linear inside, the end segments continued beyond', () => {
    expect(values('extrapolate')).toEqual([-10, 5, 10, 12.5, 20]);
  });

  test('discrete: the value of the last point at or before x', () => {
    expect(values('discrete')).toEqual([0, 0, 10, 10, 15]);
  });

  test('a graph variable with its own input follows it over time', () => {
    expect(run('graph g = TIME\n  x: 0, 4\n  y: 1, 3')('g')).toEqual([1, 1.5, 2, 2.5, 3, 3]);
  });
});

describe('random numbers', () => {
  const draws = (dist: string, seed: number, steps = 20000): number[] => run(`aux x = ${dist}`, { stop: steps - 1 }, { seed })('x');
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = (xs: number[]): number => {
    const m = mean(xs);
    return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  };

  test('the same seed gives the same numbers; another seed gives others', () => {
    expect(draws('UNIFORM(0, 1)', 42, 50)).toEqual(draws('UNIFORM(0, 1)', 42, 50));
    expect(draws('UNIFORM(0, 1)', 42, 50)).not.toEqual(draws('UNIFORM(0, 1)', 43, 50));
    // The seed in the simulation section is the default.
    const src = 'simulation\n  start: 0\n  stop: 49\n  seed: 42\naux x = UNIFORM(0, 1)';
    expect(series(simulate(compile(src)), 'x')).toEqual(draws('UNIFORM(0, 1)', 42, 50));
  });

  test('one draw per step, the same whatever the integration method', () => {
    const src = 'simulation\n  start: 0\n  stop: 20\n  dt: 0.5\naux x = NORMAL(0, 1)\nstock S = 0\n  inflow: f\nflow f = x';
    const model = compile(src);
    expect(series(simulate(model, { method: 'rk4' }), 'x')).toEqual(series(simulate(model, { method: 'euler' }), 'x'));
  });

  test('a seed argument gives the call its own stream, independent of the run seed', () => {
    expect(draws('UNIFORM(0, 1, 7)', 1, 30)).toEqual(draws('UNIFORM(0, 1, 7)', 2, 30));
    expect(draws('UNIFORM(0, 1, 7)', 1, 30)).not.toEqual(draws('UNIFORM(0, 1, 8)', 1, 30));
  });

  // Tolerances are five standard errors for 20 000 draws.
  test('UNIFORM(2, 5): bounds, mean 3.5, variance 0.75', () => {
    const xs = draws('UNIFORM(2, 5)', 1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThan(5);
    expect(Math.abs(mean(xs) - 3.5)).toBeLessThan(5 * Math.sqrt(0.75 / 20000));
    expect(Math.abs(variance(xs) - 0.75)).toBeLessThan(0.03);
  });

  test('NORMAL(10, 2): mean 10, variance 4', () => {
    const xs = draws('NORMAL(10, 2)', 2);
    expect(Math.abs(mean(xs) - 10)).toBeLessThan(5 * (2 / Math.sqrt(20000)));
    expect(Math.abs(variance(xs) - 4)).toBeLessThan(5 * 4 * Math.sqrt(2 / 20000));
  });

  test('LOGNORMAL(5, 2): positive, mean 5, standard deviation 2', () => {
    const xs = draws('LOGNORMAL(5, 2)', 3);
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expect(Math.abs(mean(xs) - 5)).toBeLessThan(5 * (2 / Math.sqrt(20000)));
    expect(Math.abs(Math.sqrt(variance(xs)) - 2)).toBeLessThan(0.15);
  });

  test('EXPRND(3): non-negative, mean 3, variance 9', () => {
    const xs = draws('EXPRND(3)', 4);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.abs(mean(xs) - 3)).toBeLessThan(5 * (3 / Math.sqrt(20000)));
    expect(Math.abs(variance(xs) - 9)).toBeLessThan(0.9);
  });

  test('POISSON(4): whole numbers, mean 4, variance 4', () => {
    const xs = draws('POISSON(4)', 5);
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    expect(Math.abs(mean(xs) - 4)).toBeLessThan(5 * Math.sqrt(4 / 20000));
    expect(Math.abs(variance(xs) - 4)).toBeLessThan(0.3);
  });
});
