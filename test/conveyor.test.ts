import { describe, expect, test } from 'vitest';
import { near, runEverywhere, sim } from './belt-helpers.js';

/** Conveyors against hand-computed cases, each on all three kernels (which must agree bit for bit). */

const belt = (props: string, inflow = 'PULSE(10, 1)', initial = 0, outflows = 'out', extra = ''): string => `${sim(10)}
stock belt [people] = ${initial}
  inflow: admissions
  outflow: ${outflows}
  conveyor
${props}
flow admissions [people/week] = ${inflow}
flow out [people/week]
${extra}`;

describe('conveyors', () => {
  test('a pulse comes out exactly the transit time later, all of it', () => {
    const { get } = runEverywhere(belt('  transit time: 3'));
    expect(get('admissions')).toEqual([0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(get('belt')).toEqual([0, 0, 10, 10, 10, 0, 0, 0, 0, 0, 0]);
    expect(get('out')).toEqual([0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0]);
  });

  test('with a DT of 1/4 the pulse leaves in the step exactly 3 weeks after it entered', () => {
    const { get, run } = runEverywhere(belt('  transit time: 3').replace('dt: 1', 'dt: 1/4'));
    const out = get('out');
    const at = (t: number): number => out[[...run.times].indexOf(t)]!;
    expect(at(4)).toBe(40); // 10 people in one step of 1/4 week
    expect(out.reduce((a, b) => a + b, 0) * 0.25).toBe(10);
    expect(get('belt').filter((x) => x === 10)).toHaveLength(12); // on the belt for 12 steps: 3 weeks
  });

  test('capacity: admissions are limited to the places free, counting those who leave in the step', () => {
    // 8 a week ask to come in, 10 places, a stay of 2 weeks.
    const { get } = runEverywhere(belt('  transit time: 2\n  capacity: 10', '8'));
    expect(get('admissions').slice(0, 7)).toEqual([8, 2, 8, 2, 8, 2, 8]);
    expect(get('belt').slice(0, 7)).toEqual([0, 8, 10, 10, 10, 10, 10]);
    expect(get('out').slice(0, 7)).toEqual([0, 0, 8, 2, 8, 2, 8]);
  });

  test('capacity holds people back in the stock they come from', () => {
    const source = `${sim(6)}
stock waiting [people] = 20
  outflow: admissions
stock belt [people] = 0
  inflow: admissions
  outflow: out
  conveyor
  transit time: 2
  capacity: 6
flow admissions [people/week] = waiting
flow out [people/week]
`;
    const { get } = runEverywhere(source);
    expect(get('admissions')).toEqual([6, 0, 6, 0, 6, 0, 2]);
    expect(get('waiting')).toEqual([20, 14, 14, 8, 8, 2, 2]);
  });

  test('inflow limit: at most so many a week, whatever the time step', () => {
    expect(runEverywhere(belt('  transit time: 2\n  inflow limit: 3', '8')).get('admissions').slice(0, 4)).toEqual([3, 3, 3, 3]);
    const half = runEverywhere(belt('  transit time: 2\n  inflow limit: 3', '8').replace('dt: 1', 'dt: 0.5'));
    expect(half.get('admissions').slice(0, 4)).toEqual([3, 3, 3, 3]);
    expect(half.get('belt').slice(0, 5)).toEqual([0, 1.5, 3, 4.5, 6]);
  });

  test('linear leakage: the leak fraction of everyone entering is lost over the stay, evenly', () => {
    const { get } = runEverywhere(belt('  transit time: 4', '10', 0, 'out, deaths', 'flow deaths [people/week]\n  leak fraction: 20%\n'));
    // Each week's 10 lose 0.5 a week for 4 weeks and leave with 8.
    expect(near(get('deaths'))).toEqual([0, 0.5, 1, 1.5, 2, 2, 2, 2, 2, 2, 2]);
    expect(near(get('out'))).toEqual([0, 0, 0, 0, 8, 8, 8, 8, 8, 8, 8]);
    // Steady state as isee documents it: transit · inflow − (slats − 1) · leakage · DT / 2 = 40 − 3 · 2 / 2.
    expect(near(get('belt')).slice(5)).toEqual([37, 37, 37, 37, 37, 37]);
  });

  test('a leak zone: the same fraction, lost only in that part of the stay', () => {
    const { get } = runEverywhere(belt('  transit time: 4', 'PULSE(10, 0)', 0, 'out, deaths', 'flow deaths [people/week]\n  leak fraction: 20%\n  leak zone: 50%, 1\n'));
    expect(near(get('deaths')).slice(0, 7)).toEqual([0, 0, 0, 1, 1, 0, 0]);
    expect(near(get('out')).slice(0, 7)).toEqual([0, 0, 0, 0, 8, 0, 0]);
  });

  test('exponential leakage: the leak rate of those on the belt leaks every week', () => {
    const { get } = runEverywhere(belt('  transit time: 3', 'PULSE(10, 0)', 0, 'out, deaths', 'flow deaths [people/week]\n  leak rate: 0.1\n'));
    expect(near(get('deaths')).slice(0, 5)).toEqual([0, 1, 0.9, 0.81, 0]);
    expect(near(get('out')).slice(0, 5)).toEqual([0, 0, 0, 7.29, 0]);
    // With a quarter-week step, 2.5% a step for 12 steps.
    const fine = runEverywhere(belt('  transit time: 3', 'PULSE(10, 0)', 0, 'out, deaths', 'flow deaths [people/week]\n  leak rate: 0.1\n').replace('dt: 1', 'dt: 0.25'));
    const out = fine.get('out');
    expect(out[12]! * 0.25).toBeCloseTo(10 * 0.975 ** 12, 12);
  });

  test('two leakages take their shares in the order listed', () => {
    const { get } = runEverywhere(belt('  transit time: 2', 'PULSE(10, 0)', 0, 'out, deaths, moves', 'flow deaths [people/week]\n  leak fraction: 10%\nflow moves [people/week]\n  leak fraction: 30%\n'));
    expect(near(get('deaths')).slice(0, 4)).toEqual([0, 0.5, 0.5, 0]);
    expect(near(get('moves')).slice(0, 4)).toEqual([0, 1.5, 1.5, 0]);
    expect(near(get('out')).slice(0, 4)).toEqual([0, 0, 6, 0]);
  });

  test('an initial value is spread over the belt: evenly, or in equilibrium with its leakage', () => {
    expect(runEverywhere(belt('  transit time: 3', '0', 30)).get('out').slice(0, 5)).toEqual([10, 10, 10, 0, 0]);
    // Linear: 37 people with 10 a week entering, 20% lost over 4 weeks, is the steady state from the start.
    const linear = runEverywhere(belt('  transit time: 4', '10', 37, 'out, deaths', 'flow deaths [people/week]\n  leak fraction: 20%\n'));
    expect(near(linear.get('belt'))).toEqual(Array(11).fill(37));
    expect(near(linear.get('out'))).toEqual(Array(11).fill(8));
    // Exponential: inflow · (1 − (1 − rate · DT)^slats) / rate = 10 · (1 − 0.9³) / 0.1 = 27.1.
    const exponential = runEverywhere(belt('  transit time: 3', '10', 27.1, 'out, deaths', 'flow deaths [people/week]\n  leak rate: 0.1\n'));
    expect(near(exponential.get('belt'))).toEqual(Array(11).fill(27.1));
    expect(near(exponential.get('deaths'))).toEqual(Array(11).fill(2.71));
  });

  test('arrest: while it is not 0 nothing enters, moves or leaves', () => {
    const { get } = runEverywhere(belt('  transit time: 3\n  arrest: if TIME >= 2 and TIME < 4 then 1 else 0', 'PULSE(10, 1) + PULSE(5, 2)'));
    expect(get('admissions').slice(0, 3)).toEqual([0, 10, 0]); // the pulse at 2 is held back
    expect(get('out')).toEqual([0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0]);
    expect(get('belt')).toEqual([0, 0, 10, 10, 10, 10, 10, 0, 0, 0, 0]);
  });

  test('a transit time that changes: new entries take the new one (not first in, first out)', () => {
    const { get } = runEverywhere(belt('  transit time: if TIME < 2 then 4 else 1', 'PULSE(10, 1) + PULSE(5, 2)'));
    expect(get('out').slice(0, 7)).toEqual([0, 0, 0, 5, 0, 10, 0]);
    // Sampled only at the start: every entry keeps the first transit time.
    const sampled = runEverywhere(belt('  transit time: if TIME < 2 then 4 else 1\n  sample: 0', 'PULSE(10, 1) + PULSE(5, 2)'));
    expect(sampled.get('out').slice(0, 8)).toEqual([0, 0, 0, 0, 0, 10, 5, 0]);
  });

  test('a constant transit time or capacity can be set per run', () => {
    const source = belt('  transit time: stay\n  capacity: places', '8', 0, 'out', 'const stay [week] = 2\nconst places [people] = 10\n');
    expect(runEverywhere(source, { overrides: { stay: 3 } }).get('out').slice(0, 5)).toEqual([0, 0, 0, 8, 2]);
    expect(runEverywhere(source, { overrides: { places: 16 } }).get('admissions').slice(0, 4)).toEqual([8, 8, 8, 8]);
    // 6 on the belt at the start, half leaving in each of the first two weeks: 7 places free, then 3.
    const started = runEverywhere(source, { overrides: { belt: 6 } });
    expect(started.get('out').slice(0, 4)).toEqual([3, 3, 7, 3]);
    expect(started.get('admissions').slice(0, 3)).toEqual([7, 3, 7]);
  });

  test('arrays: each element is its own conveyor, with its own transit time', () => {
    const source = `${sim(6)}
dimension Need: low, high
const stay[Need] [week] = 1, 3
stock care[Need] [people] = 0
  inflow: admissions
  outflow: discharges
  conveyor
  transit time: stay
flow admissions[Need] [people/week] = PULSE(10, 1)
  [high] = PULSE(4, 1)
flow discharges[Need] [people/week]
`;
    const { get } = runEverywhere(source);
    expect(get('discharges[low]')).toEqual([0, 0, 10, 0, 0, 0, 0]);
    expect(get('discharges[high]')).toEqual([0, 0, 0, 0, 4, 0, 0]);
  });

  test('a NaN stops the run and names where it appeared', () => {
    const bad = runEverywhere(belt('  transit time: 3\n  capacity: if TIME >= 2 then 0 / 0 else 100', '4')).run;
    expect(bad.error?.variable).toBe('belt');
    expect(bad.error?.message).toMatch(/^capacity inside "belt" became not a number \(NaN\) at time 2/);
    expect(bad.error?.time).toBe(2);
    const inflow = runEverywhere(belt('  transit time: 3', 'if TIME >= 3 then LN(-1) else 4')).run;
    expect(inflow.error?.variable).toBe('admissions');
    expect(inflow.error?.time).toBe(3);
  });
});

describe('conveyors under RK2 and RK4', () => {
  const chain = `${sim(12, 0.5)}
stock referred [people] = 50
  outflow: admissions
stock belt [people] = 0
  inflow: admissions
  outflow: out
  conveyor
  transit time: 2
  capacity: 20
stock home [people] = 0
  inflow: out
flow admissions [people/week] = referred / 4
flow out [people/week]
aux total [people] = referred + belt + home
`;

  test('the conveyor moves once per step with the flows of the start of the step: nothing is lost or made', () => {
    for (const method of ['euler', 'rk2', 'rk4'] as const) {
      const { get } = runEverywhere(chain, { method });
      for (const x of get('total')) expect(x).toBeCloseTo(50, 10);
    }
  });

  test('a model of conveyors alone gives the same numbers with every method', () => {
    const source = belt('  transit time: 2\n  capacity: 10', '8 + TIME');
    const euler = runEverywhere(source, { method: 'euler' }).get('belt');
    expect(runEverywhere(source, { method: 'rk4' }).get('belt')).toEqual(euler);
    expect(runEverywhere(source, { method: 'rk2' }).get('belt')).toEqual(euler);
  });
});
