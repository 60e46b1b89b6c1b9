import { describe, expect, test } from 'vitest';
import { simulate } from '../engine/src/index.js';
import { compile, series } from './helpers.js';

const header = `
simulation
  start: 0
  stop: 2
dimension AgeBand: 65-74, 75-84, 85+
`;

describe('arrays', () => {
  test('apply-to-all equations follow the element being computed', () => {
    const r = simulate(
      compile(`${header}
const population[AgeBand] [people] = 1000, 500, 100
const prevalence[AgeBand] = 10%, 20%, 50%
aux "in need"[AgeBand] [people] = population * prevalence
aux "in need explicitly"[AgeBand] [people] = population[AgeBand] * prevalence[AgeBand]
`),
    );
    expect([0, 1, 2].map((i) => series(r, `in need[${['65-74', '75-84', '85+'][i]}]`)[0])).toEqual([100, 100, 50]);
    expect(series(r, 'in need explicitly[85+]')).toEqual([50, 50, 50]);
  });

  test('per-element equations override or complete the apply-to-all equation', () => {
    const r = simulate(
      compile(`${header}
const base[AgeBand] = 1, 2, 3
aux a[AgeBand] = base * 10
  [85+] = base + 0.5
aux b[AgeBand]
  [65-74] = 1
  [75-84] = b[65-74] + 1
  [85+] = b[75-84] * 10
`),
    );
    expect(['65-74', '75-84', '85+'].map((e) => series(r, `a[${e}]`)[0])).toEqual([10, 20, 3.5]);
    expect(['65-74', '75-84', '85+'].map((e) => series(r, `b[${e}]`)[0])).toEqual([1, 2, 20]);
  });

  test('elements can be named directly, with the dimension, or by position', () => {
    const r = simulate(
      compile(`${header}
const p[AgeBand] = 7, 8, 9
aux direct = p[85+]
aux qualified = p[AgeBand.75-84]
aux position = p[1]
`),
    );
    expect([series(r, 'direct')[0], series(r, 'qualified')[0], series(r, 'position')[0]]).toEqual([9, 8, 7]);
  });

  test('reductions SUM, MEAN, MIN, MAX, PROD, STDDEV and SIZE over a dimension', () => {
    const r = simulate(
      compile(`${header}
const x[AgeBand] = 2, 4, 9
const w[AgeBand] = 1, 0, 2
aux total = SUM(x[*])
aux average = MEAN(x[*])
aux smallest = MIN(x[*])
aux largest = MAX(x[*])
aux product = PROD(x[*])
aux spread = STDDEV(x[*])
aux count = SIZE(x[*])
aux weighted = SUM(x[*] * w[*])
aux share[AgeBand] = x / SUM(x[*])
`),
    );
    const first = (n: string): number => series(r, n)[0]!;
    expect([first('total'), first('average'), first('smallest'), first('largest'), first('product'), first('count'), first('weighted')]).toEqual([15, 5, 2, 9, 72, 3, 20]);
    expect(first('spread')).toBeCloseTo(Math.sqrt(((2 - 5) ** 2 + (4 - 5) ** 2 + (9 - 5) ** 2) / 3), 12);
    expect(first('share[85+]')).toBeCloseTo(9 / 15, 15);
  });

  test('two-dimensional arrays: value tables, transposed references and partial reductions', () => {
    const r = simulate(
      compile(`${header}
dimension Service: Residential, Nursing
const cost[Service, AgeBand] [GBP] = 1, 2, 3; 10, 20, 30
const people[AgeBand] = 100, 10, 1
aux spend[Service, AgeBand] [GBP] = cost * people
aux "spend by service"[Service] [GBP] = SUM(spend[Service, *])
aux "spend by age"[AgeBand] [GBP] = SUM(spend[*, AgeBand])
aux transposed[AgeBand, Service] [GBP] = cost[Service, AgeBand]
aux total [GBP] = SUM(spend[*, *])
`),
    );
    const first = (n: string): number => series(r, n)[0]!;
    expect(first('spend[Residential,65-74]')).toBe(100);
    expect(first('spend[Nursing,85+]')).toBe(30);
    expect(first('spend by service[Residential]')).toBe(100 + 20 + 3);
    expect(first('spend by service[Nursing]')).toBe(1000 + 200 + 30);
    expect(first('spend by age[75-84]')).toBe(20 + 200);
    expect(first('transposed[85+,Nursing]')).toBe(30);
    expect(first('total')).toBe(1353);
    expect(r.series.filter((s) => s.variable === 'spend').map((s) => s.name)).toEqual([
      'spend[Residential,65-74]',
      'spend[Residential,75-84]',
      'spend[Residential,85+]',
      'spend[Nursing,65-74]',
      'spend[Nursing,75-84]',
      'spend[Nursing,85+]',
    ]);
  });

  test('arrayed stocks and flows integrate element by element, with an ageing chain', () => {
    const r = simulate(
      compile(`${header}
stock pop[AgeBand] = 100, 50, 10
  inflow: ageing_in
  outflow: "ageing out"
flow "ageing out"[AgeBand] = pop * 10%
  [85+] = 0
flow ageing_in[AgeBand] = 0
  [75-84] = "ageing out"[65-74]
  [85+] = "Ageing  Out"[75-84]
`),
    );
    // t1: 65-74: 100 - 10 = 90; 75-84: 50 + 10 - 5 = 55; 85+: 10 + 5 = 15
    expect(series(r, 'pop[65-74]')).toEqual([100, 90, 81]);
    expect(series(r, 'pop[75-84]')).toEqual([50, 55, 58.5]);
    expect(series(r, 'pop[85+]')).toEqual([10, 15, 20.5]);
    const total = [0, 1, 2].map((i) => series(r, 'pop[65-74]')[i]! + series(r, 'pop[75-84]')[i]! + series(r, 'pop[85+]')[i]!);
    expect(total).toEqual([160, 160, 160]);
  });

  test('stateful builtins keep separate state per element', () => {
    const r = simulate(
      compile(`${header}
const input[AgeBand] = 10, 20, 30
aux smoothed[AgeBand] = SMTH1(input * STEP(2, 1), 1, 0)
`),
    );
    // Euler, dt 1, averaging time 1: the smooth reaches the stepped input one step after it appears.
    expect(series(r, 'smoothed[75-84]')).toEqual([0, 0, 40]);
    expect(series(r, 'smoothed[85+]')).toEqual([0, 0, 60]);
  });

  test('overrides set one element or every element of an array', () => {
    const model = compile(`${header}
const rate[AgeBand] = 1, 2, 3
aux doubled[AgeBand] = rate * 2
`);
    const one = simulate(model, { overrides: { 'rate[85+]': 10 } });
    expect(['65-74', '75-84', '85+'].map((e) => series(one, `doubled[${e}]`)[0])).toEqual([2, 4, 20]);
    const all = simulate(model, { overrides: { rate: [5, 6, 7] } });
    expect(['65-74', '75-84', '85+'].map((e) => series(all, `doubled[${e}]`)[0])).toEqual([10, 12, 14]);
    expect(() => simulate(model, { overrides: { rate: [1, 2] } })).toThrow('"rate" has 3 element(s) but 2 value(s) were given.');
    expect(() => simulate(model, { overrides: { 'rate[95+]': 1 } })).toThrow('"95+" is not an element of AgeBand');
  });
});

describe('graphs with points per element', () => {
  const projection = `
simulation
  start: 2025
  stop: 2030
dimension AgeBand: 65-74, 85+
graph "Population projection"[AgeBand] [people] = TIME
  [65-74] points: (2025, 100), (2030, 150)
  [85+] points: (2025, 10), (2030, 20)
  doc: "Population projections by age band, interpolated between years."
`;

  test('each element interpolates its own table (population projections by age band)', () => {
    const r = simulate(compile(projection));
    expect(series(r, 'Population projection[65-74]')).toEqual([100, 110, 120, 130, 140, 150]);
    expect(series(r, 'Population projection[85+]')).toEqual([10, 12, 14, 16, 18, 20]);
  });

  test('the .cwm text and XMILE export keep the tables', async () => {
    const { parseModel, printModel, exportXmile, importXmile, compileAst } = await import('../engine/src/index.js');
    const ast = parseModel(projection, 'p.cwm').ast;
    expect(printModel(ast)).toContain('  [65-74] points: (2025, 100), (2030, 150)\n  [85+] points: (2025, 10), (2030, 20)');
    expect(printModel(parseModel(printModel(ast)).ast)).toBe(printModel(ast));
    const back = importXmile(exportXmile(ast), 'p.xmile');
    const r = simulate(compileAst(back.ast, back.diagnostics).model!);
    expect(series(r, 'Population projection[85+]')).toEqual([10, 12, 14, 16, 18, 20]);
  });

  test('LOOKUP picks one element\'s table, or the element being computed', () => {
    const r = simulate(
      compile(`
dimension Band: young, old
graph effect[Band] = 0
  [young] points: (0, 0), (10, 10)
  [old] points: (0, 0), (10, 20)
aux a = LOOKUP(effect[old], 5)
aux b[Band] = LOOKUP(effect[Band], 5)
`),
    );
    expect(series(r, 'a')[0]).toBe(10);
    expect([series(r, 'b[young]')[0], series(r, 'b[old]')[0]]).toEqual([5, 10]);
  });

  test('every element needs a table, and such a graph is not called like a function', async () => {
    const { compileSource } = await import('../engine/src/index.js');
    const missing = compileSource(`${header}\ngraph g[AgeBand] = TIME\n  [85+] points: (0, 1), (1, 2)\naux x = g(3)\n`, 'g.cwm');
    expect(missing.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [7, 7, 'Graph "g" has no points for [65-74], [75-84]. Give every element its points, or add "points:" for all of them.'],
      [9, 9, 'Graph "g" has points per element, so it cannot be called like a function; give it an input and use its values.'],
    ]);
  });
});

describe('dimension mappings', () => {
  test('a dimension mapped to another stands for its element in the same position, both ways', () => {
    const r = simulate(
      compile(`
dimension Region: north, south -> Area
dimension Area: n, s
const demand[Area] = 10, 20
aux served[Region] = demand * 2
aux back[Area] = served[Region] + 1
aux total = SUM(served[*])
`),
    );
    expect([series(r, 'served[north]')[0], series(r, 'served[south]')[0]]).toEqual([20, 40]);
    expect([series(r, 'back[n]')[0], series(r, 'back[s]')[0]]).toEqual([21, 41]);
    expect(series(r, 'total')[0]).toBe(60);
  });

  test('an ageing chain over a subrange with the previous cohort mapped to it', () => {
    const r = simulate(
      compile(`
simulation
  start: 0
  stop: 1
dimension Age: young, mid, old
dimension Older: mid, old
dimension Previous: young, mid -> Older
const moving[Age] = 10, 5, 1
aux arriving[Older] = moving[Previous]
`),
    );
    expect([series(r, 'arriving[mid]')[0], series(r, 'arriving[old]')[0]]).toEqual([10, 5]);
  });

  test('a mapping needs dimensions of the same size', async () => {
    const { compileSource } = await import('../engine/src/index.js');
    const result = compileSource('dimension A: a1, a2 -> B\ndimension B: b1, b2, b3\n', 'm.cwm');
    expect(result.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([[1, 18, 'Dimension "A" (2 elements) cannot map to "B" (3 elements): a mapping pairs elements one for one.']]);
  });
});
