import { describe, expect, test } from 'vitest';
import { QueueState, queueAdd, queueInit, queueLevel, queueTake } from '../engine/src/runtime/queue.js';
import { near, runEverywhere, sim } from './belt-helpers.js';

/** Queues against hand-computed cases, each on all three kernels (which must agree bit for bit). */

describe('queues', () => {
  test('first in, first out: batches join the end of the line and outflows take from the head, splitting the last batch taken', () => {
    const q = new QueueState({ kind: 'queue', inflows: 2, outflows: 2 });
    queueInit(q, 0, 1, 0, 3);
    queueAdd(q, 0, 1, 0, 4);
    queueAdd(q, 0, 1, 1, 5);
    expect(queueLevel(q, 1, 1)).toBe(12);
    expect(q.contents()).toEqual([3, 4, 5]); // the initial content, then one batch per inflow in the order listed
    expect(queueTake(q, 1, 1, 0, 5, Number.POSITIVE_INFINITY)).toBe(5);
    expect(q.contents()).toEqual([2, 5]);
    expect(queueTake(q, 1, 1, 1, 1, Number.POSITIVE_INFINITY)).toBe(1);
    expect(q.contents()).toEqual([1, 5]);
    // Asked again within the step (as RK2/RK4 do), a take gives the same and takes nothing more.
    expect(queueTake(q, 1, 1, 0, 99, Number.POSITIVE_INFINITY)).toBe(5);
    expect(q.contents()).toEqual([1, 5]);
    queueAdd(q, 1, 1, 1, 2);
    expect(queueLevel(q, 2, 1)).toBe(8);
    expect(q.contents()).toEqual([1, 5, 2]);
    // Taking everything empties the line exactly.
    expect(queueTake(q, 2, 1, 0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(8);
    expect(q.contents()).toEqual([]);
    expect(queueLevel(q, 3, 1)).toBe(0);
  });

  const pathway = (outflows: string, extra = ''): string => `${sim(8)}
stock waiting [people] = 0
  inflow: arrivals
  outflow: ${outflows}
  queue
stock care [people] = 0
  inflow: admissions
  outflow: discharges
  conveyor
  transit time: 2
  capacity: 6
flow arrivals [people/week] = 4
flow admissions [people/week]
flow discharges [people/week]
${extra}`;

  test('waiting for a place: the queue passes on what the conveyor has room for, and the rest waits', () => {
    const { get } = runEverywhere(pathway('admissions'));
    // 6 places for 2 weeks take 3 a week; 4 a week arrive, so the wait grows by 2 every 2 weeks.
    expect(get('admissions')).toEqual([0, 4, 2, 4, 2, 4, 2, 4, 2]);
    expect(get('waiting')).toEqual([0, 4, 4, 6, 6, 8, 8, 10, 10]);
    expect(get('care')).toEqual([0, 0, 4, 6, 6, 6, 6, 6, 6]);
  });

  test('an overflow takes what the conveyor cannot: nobody waits longer than one step', () => {
    const { get } = runEverywhere(pathway('admissions, diverted', 'flow diverted [people/week]\n  overflow\n'));
    expect(get('admissions')).toEqual([0, 4, 2, 4, 2, 4, 2, 4, 2]);
    expect(get('diverted')).toEqual([0, 0, 2, 0, 2, 0, 2, 0, 2]);
    expect(get('waiting')).toEqual([0, 4, 4, 4, 4, 4, 4, 4, 4]);
  });

  test('an overflow into a full service waits too: cascading to a second service with its own capacity', () => {
    const source = `${pathway('admissions, diverted')}
flow diverted [people/week]
  overflow
stock "care home" [people] = 0
  inflow: diverted
  outflow: "care home discharges"
  conveyor
  transit time: 4
  capacity: 1
flow "care home discharges" [people/week]
`;
    const { get } = runEverywhere(source);
    expect(get('diverted')).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 0]);
    expect(get('waiting')).toEqual([0, 4, 4, 5, 5, 7, 7, 8, 8]);
    // Nothing is lost: everyone who arrived is waiting, in care, in the care home or discharged.
    const { get: all } = runEverywhere(source.replace('flow arrivals', 'aux accounted [people] = waiting + care + "care home" + discharged\nstock discharged [people] = 0\n  inflow: discharges, "care home discharges"\nflow arrivals'));
    expect(near(all('accounted'))).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32]);
  });

  test('an outflow with an equation takes at most that much a week, from the head', () => {
    const source = `${sim(5)}
stock waiting [people] = 5
  inflow: arrivals
  outflow: seen
  queue
flow arrivals [people/week] = PULSE(2, 1)
flow seen [people/week] = 3
`;
    const { get } = runEverywhere(source);
    expect(get('seen')).toEqual([3, 2, 2, 0, 0, 0]);
    expect(get('waiting')).toEqual([5, 2, 2, 0, 0, 0]);
  });

  test('an outflow without an equation to anything but a conveyor empties the queue each step', () => {
    const source = `${sim(3)}
stock waiting [people] = 5
  inflow: arrivals
  outflow: seen
  queue
flow arrivals [people/week] = 2
flow seen [people/week]
`;
    expect(runEverywhere(source).get('seen')).toEqual([5, 2, 2, 2]);
  });

  test('arrays: one queue per element', () => {
    const source = `${sim(3)}
dimension Area: north, south
stock waiting[Area] [people] = 6, 1
  outflow: seen
  queue
flow seen[Area] [people/week] = 2
`;
    const { get } = runEverywhere(source);
    expect(get('waiting[north]')).toEqual([6, 4, 2, 0]);
    expect(get('waiting[south]')).toEqual([1, 0, 0, 0]);
  });

  test('under RK4 a queue moves once per step, with the flows of the start of the step', () => {
    const source = `${sim(6, 0.5)}
stock referred [people] = 20
  outflow: arrivals
stock waiting [people] = 0
  inflow: arrivals
  outflow: seen
  queue
stock seen so far [people] = 0
  inflow: seen
flow arrivals [people/week] = referred / 2
flow seen [people/week] = 3
aux total [people] = referred + waiting + "seen so far"
`.replace('stock seen so far', 'stock "seen so far"');
    for (const method of ['euler', 'rk2', 'rk4'] as const) {
      const { get } = runEverywhere(source, { method });
      for (const x of get('total')) expect(x).toBeCloseTo(20, 10);
      for (const x of get('waiting')) expect(x).toBeGreaterThanOrEqual(0);
    }
  });

  test('a NaN arriving stops the run at the inflow that brought it', () => {
    const source = `${sim(4)}
stock waiting [people] = 0
  inflow: arrivals
  outflow: seen
  queue
flow arrivals [people/week] = if TIME >= 2 then SQRT(-1) else 1
flow seen [people/week] = 1
`;
    const { run } = runEverywhere(source);
    expect(run.error?.variable).toBe('arrivals');
    expect(run.error?.time).toBe(2);
  });
});
