import { describe, expect, test } from 'vitest';
import { compileSource } from '../engine/src/index.js';

/** Diagnostics of conveyors and queues: the exact message, position, severity and code of each problem. */

type Row = [line: number, column: number, severity: 'error' | 'warning', code: string, message: string];

function diagnose(source: string): Row[] {
  return compileSource(source, 'broken.cwm').diagnostics.map((d) => [d.line, d.column, d.severity, d.code, d.message]);
}

describe('conveyor and queue diagnostics', () => {
  test('a conveyor without a transit time', () => {
    expect(
      diagnose(`stock care [people] = 0
  inflow: a
  outflow: b
  conveyor
flow a [people/week] = 1
flow b [people/week]
`),
    ).toEqual([
      [4, 3, 'error', 'conveyor', 'Conveyor "care" needs a transit time (how long what enters stays on it): add a line such as  transit time: 6'],
    ]);
  });

  test('the outflow at the end of the belt has an equation', () => {
    expect(
      diagnose(`stock care [people] = 0
  inflow: a
  outflow: b
  conveyor
  transit time: 3
flow a [people/week] = 1
flow b [people/week] = care / 3
`),
    ).toEqual([
      [7, 24, 'error', 'conveyor', '"b" is what reaches the end of conveyor "care", so the conveyor computes it: remove its equation.'],
      [7, 24, 'warning', 'units', 'Units of "b" do not match: its equation gives person but it is declared as person/week.'],
    ]);
  });

  test('a conveyor with no outflow for the end of its belt', () => {
    expect(
      diagnose(`stock care [people] = 0
  inflow: a
  conveyor
  transit time: 3
flow a [people/week] = 1
`),
    ).toEqual([
      [1, 7, 'error', 'conveyor', 'Conveyor "care" needs an outflow for what reaches the end of its belt: add one to "outflow:" (its leakages do not count).'],
    ]);
  });

  test('a conveyor with two outflows that are not leakages', () => {
    expect(
      diagnose(`stock care [people] = 0
  inflow: a
  outflow: b, c
  conveyor
  transit time: 3
flow a [people/week] = 1
flow b [people/week]
flow c [people/week]
`),
    ).toEqual([
      [1, 7, 'error', 'conveyor', 'Conveyor "care" has 2 outflows that are not leakages ("b", "c"); it has one outflow at the end of the belt. Give the others a "leak fraction:" or a "leak rate:".'],
    ]);
  });

  test('conveyor properties on a stock that is not a conveyor', () => {
    expect(
      diagnose(`stock care [people] = 0
  inflow: a
  outflow: b
  transit time: 3
flow a [people/week] = 1
flow b [people/week] = 1
`),
    ).toEqual([
      [4, 3, 'error', 'syntax', '"transit time" is a property of a conveyor: add a line "conveyor" under stock "care".'],
    ]);
  });

  test('a leakage that does not leave a conveyor', () => {
    expect(
      diagnose(`stock care [people] = 0
  outflow: b
flow b [people/week]
  leak fraction: 0.1
`),
    ).toEqual([
      [4, 3, 'error', 'conveyor', '"b" has a leak fraction, but it is not an outflow of a conveyor: list it under "outflow:" of the conveyor it leaks from.'],
    ]);
  });

  test('a leakage with an equation', () => {
    expect(
      diagnose(`stock care [people] = 0
  outflow: b, d
  conveyor
  transit time: 2
flow b [people/week]
flow d [people/week] = 3
  leak fraction: 0.1
`),
    ).toEqual([
      [6, 24, 'error', 'conveyor', 'Leakage "d" is computed by its conveyor from its leak fraction: remove its equation.'],
    ]);
  });

  test('linear and exponential leakages on one conveyor, and a leak zone the wrong way round', () => {
    expect(
      diagnose(`stock care [people] = 0
  outflow: b, d, e
  conveyor
  transit time: 2
flow b [people/week]
flow d [people/week]
  leak fraction: 0.1
flow e [people/week]
  leak rate: 0.1
  leak zone: 0.5, 0.2
`),
    ).toEqual([
      [1, 7, 'error', 'conveyor', 'The leakages of conveyor "care" mix "leak fraction:" (linear) and "leak rate:" (exponential); a conveyor leaks one way (as in XMILE), so use one kind for all of them.'],
      [10, 3, 'error', 'conveyor', 'The leak zone of "e" must be two fractions of the belt from 0 to 1, the start before the end (as in  leak zone: 0, 50%); found 0.5, 0.2.'],
    ]);
  });

  test('an overflow that does not leave a queue', () => {
    expect(
      diagnose(`stock s [people] = 0
  outflow: o
flow o [people/week]
  overflow
`),
    ).toEqual([
      [4, 3, 'error', 'conveyor', '"o" is marked "overflow", but it is not an outflow of a queue: list it under "outflow:" of the queue it overflows from.'],
    ]);
  });

  test('an overflow listed before the outflow it overflows', () => {
    expect(
      diagnose(`stock w [people] = 0
  outflow: o, p
  queue
flow o [people/week]
  overflow
flow p [people/week]
`),
    ).toEqual([
      [1, 7, 'error', 'conveyor', 'The overflow "o" of queue "w" takes what the outflows listed before it cannot take, so it must come after at least one of them in "outflow:".'],
    ]);
  });

  test('a stock that is both a conveyor and a queue', () => {
    expect(
      diagnose(`stock w [people] = 0
  outflow: o
  queue
  conveyor
  transit time: 1
flow o [people/week]
`),
    ).toEqual([
      [3, 3, 'error', 'conveyor', 'Stock "w" cannot be both a conveyor and a queue; keep one of the two lines.'],
    ]);
  });

  test('a flow of a queue that also drains another stock', () => {
    expect(
      diagnose(`stock w [people] = 0
  outflow: o
  queue
stock v [people] = 0
  outflow: o
flow o [people/week] = 1
`),
    ).toEqual([
      [1, 7, 'error', 'conveyor', 'Flow "o" of queue "w" also drains stock "v"; a flow of a conveyor or a queue must belong to it alone.'],
    ]);
  });

  test('a conveyor emptying into a conveyor with a capacity', () => {
    expect(
      diagnose(`stock a [people] = 0
  outflow: f
  conveyor
  transit time: 2
stock b [people] = 0
  inflow: f
  outflow: g
  conveyor
  transit time: 2
  capacity: 4
flow f [people/week]
flow g [people/week]
`),
    ).toEqual([
      [5, 7, 'error', 'conveyor', '"f" comes off conveyor "a", which cannot hold it back, so it cannot flow into conveyor "b", which has a capacity. Put a queue between them.'],
    ]);
  });

  test('units of the transit time, inflow limit and leak rate', () => {
    expect(
      diagnose(`simulation
  time unit: week
stock care [people] = 0
  inflow: a
  outflow: b, d
  conveyor
  transit time: places
  capacity: 3
  inflow limit: places
const places [people] = 5
flow a [people/week] = 1
flow b [people/week]
flow d [people/week]
  leak rate: 0.1 * places
`),
    ).toEqual([
      [7, 17, 'warning', 'units', 'The transit time of conveyor "care" (how long material stays) should be in week, not person.'],
      [9, 17, 'warning', 'units', 'The inflow limit of conveyor "care" (the most that may enter per time unit) should be in person/week, not person.'],
      [14, 14, 'warning', 'units', 'The leak rate of "d" (the fraction of what is on the belt that leaks per time unit) should be in 1/week, not person.'],
    ]);
  });

  test('RK4 with conveyors, and a transit time that is not a whole number of steps', () => {
    expect(
      diagnose(`simulation
  method: rk4
  dt: 0.5
stock care [people] = 0
  inflow: a
  outflow: b
  conveyor
  transit time: 1.25
flow a [people/week] = 1
flow b [people/week]
`),
    ).toEqual([
      [7, 3, 'warning', 'sim-spec', 'Conveyors and queues move once per time step: with RK4 the flows into and out of them keep the values of the start of each step (as in Stella, which recommends Euler for models with conveyors and queues).'],
      [8, 17, 'warning', 'conveyor', 'The transit time of conveyor "care" (1.25) is not a whole number of time steps of DT (0.5): what enters stays 1.5, 3 steps. Use a DT that divides it.'],
    ]);
  });

  test('an unknown name in a conveyor property, with a suggestion', () => {
    expect(
      diagnose(`stock care [people] = 0
  outflow: b
  conveyor
  transit time: lenght
flow b [people/week]
const length = 2
`),
    ).toEqual([
      [4, 17, 'error', 'unknown-name', 'Unknown variable "lenght". Did you mean "length"?'],
    ]);
  });

  test('a leak zone on a flow that does not leak', () => {
    expect(
      diagnose(`flow f = 1
  leak zone: 0, 0.5
`),
    ).toEqual([
      [2, 3, 'error', 'syntax', '"leak zone" belongs to a leakage flow: give "f" a "leak fraction:" or a "leak rate:" too.'],
    ]);
  });

});
