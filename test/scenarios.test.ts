/** Scenarios on the example models: comparisons against hand-computed values, graph and data overrides, stale scenarios. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareRuns, comparisonToCsv, describeModel, getSeries, parseModel, prepareScenario, runScenarios, simulate, validateScenario, type ScenarioBase } from '../engine/src/index.js';
import { compile } from './helpers.js';

function base(file: string, edit: (text: string) => string = (t) => t): ScenarioBase {
  const text = edit(readFileSync(`resources/models/${file}`, 'utf8'));
  return { ast: parseModel(text, file).ast, model: compile(text) };
}

const residential = base('residential-care.cwm');

describe('comparing scenarios of the residential care model', () => {
  const { runs, problems } = runScenarios(residential, [
    { name: 'baseline' },
    { name: 'higher fees', overrides: { 'Weekly fee per resident': 900 } },
    { name: 'more people aged 65-74', overrides: { 'Older population': [22000, 13500, 5200] } },
  ]);
  const comparison = compareRuns(runs, { variables: ['Spend per year', 'Older population[65-74]', 'People in residential care'], times: [2025, 2030, 2035] });
  const row = (variable: string, time: number) => comparison.rows.find((r) => r.variable === variable && r.time === time)!;

  it('a fee rise changes spend by exactly people × Δfee × 52, +5.88%, and nothing else', () => {
    expect(problems).toEqual([]);
    expect(comparison.scenarios).toEqual(['baseline', 'higher fees', 'more people aged 65-74']);
    expect(comparison.base).toBe('baseline');
    // 2025: 1150 people at £850 a week is £50,830,000 a year; at £900, £53,820,000.
    expect(row('Spend per year', 2025).values.slice(0, 2)).toEqual([50_830_000, 53_820_000]);
    expect(row('Spend per year', 2025).differences[1]).toBe(2_990_000);
    for (const t of [2025, 2030, 2035]) {
      const people = row('People in residential care', t).values[0]!;
      expect(row('Spend per year', t).differences[1]).toBeCloseTo(people * 50 * 52, 4);
      expect(row('Spend per year', t).percentDifferences[1]).toBeCloseTo((100 * 50) / 850, 10);
      expect(row('People in residential care', t).differences[1]).toBe(0);
    }
  });

  it('1,000 more people aged 65-74 at the start: the extra decays as dS/dt = −0.118·S under RK4', () => {
    // 65-74: outflows S/10 (ageing on) and 1.8%·S (deaths), inflow constant, so the difference
    // obeys dΔ/dt = −0.118·Δ; RK4 with dt = 1/4 multiplies it by this factor every step.
    const h = 0.25 * -0.118;
    const perStep = 1 + h + h ** 2 / 2 + h ** 3 / 6 + h ** 4 / 24;
    for (const t of [2025, 2030, 2035]) {
      expect(row('Older population[65-74]', t).differences[2]).toBeCloseTo(1000 * perStep ** ((t - 2025) * 4), 7);
    }
    expect(row('Older population[65-74]', 2035).differences[2]).toBeCloseTo(1000 * Math.exp(-1.18), 3);
  });

  it('writes the table as CSV with differences and % differences against the base', () => {
    const csv = comparisonToCsv(comparison).split('\n');
    expect(csv[0]).toBe('variable,units,time,baseline,higher fees,more people aged 65-74,higher fees minus baseline,higher fees % vs baseline,more people aged 65-74 minus baseline,more people aged 65-74 % vs baseline');
    expect(csv[1]).toBe(`Spend per year,GBP/year,2025,50830000,53820000,50830000,2990000,${(100 * 2990000) / 50830000},0,0`);
    expect(csv).toHaveLength(1 + 3 * 3 + 1);
  });

  it('compares against any base, and refuses unknown names and times', () => {
    const against = compareRuns(runs, { base: 'higher fees', variables: ['Spend per year'], times: [2025] });
    expect(against.rows[0]!.differences).toEqual([-2_990_000, 0, -2_990_000]);
    expect(() => compareRuns(runs, { base: 'nope' })).toThrow('The base scenario "nope" is not among those compared');
    expect(() => compareRuns(runs, { variables: ['Spend'] })).toThrow('There is no variable "Spend"');
    expect(() => compareRuns(runs, { times: [2025.5] })).toThrow('2025.5 is not a saved time');
    // An array variable without subscript compares every element.
    expect(compareRuns(runs, { variables: ['Older population'], times: [2035] }).rows.map((r) => r.variable)).toEqual(['Older population[65-74]', 'Older population[75-84]', 'Older population[85+]']);
  });
});

describe('graph overrides rewrite the model before compiling', () => {
  it('a flat admission pressure admits everyone: 490 a year in 2025 instead of 473.0', () => {
    const { runs } = runScenarios(residential, [{ name: 'base' }, { name: 'no pressure', graphs: { 'Admission pressure': { points: [[0, 1], [2, 1]] } } }]);
    const c = compareRuns(runs, { variables: ['Admissions'], times: [2025] });
    // Occupancy 1150/1300 = 0.8846 lies between (0.85, 1.0) and (0.95, 0.9): pressure 0.96538.
    const demand = 21000 * 0.002 + 13500 * 0.012 + 5200 * 0.055;
    expect(demand).toBeCloseTo(490, 10);
    expect(c.rows[0]!.values[0]).toBeCloseTo(demand * (1 - (1150 / 1300 - 0.85)), 9);
    expect(c.rows[0]!.values[1]).toBeCloseTo(490, 10);
  });

  it('one element of an arrayed graph, and data-table points, for the intermediate care model', () => {
    const inter = base('intermediate-care.cwm');
    const tables = (name: string) => (name === 'ONS projection' ? { columns: ['week', '85+', 'note'], rows: [[104, 7000, 'x'], [0, 5200, null], ['total', 1, null]] } : undefined);
    const scenarios = [
      { name: 'base' },
      { name: 'faster growth 85+', graphs: { 'Older population[85+]': { points: [[0, 5200], [104, 7000]] as [number, number][] } } },
      { name: 'from data', data: { 'Older population[85+]': { table: 'ONS projection', x: 'week', y: '85+' } } },
    ];
    const { runs, problems } = runScenarios(inter, scenarios, { dataTables: tables });
    expect(problems).toEqual([]);
    const c = compareRuns(runs, { variables: ['Older population'], times: [52, 104] });
    const at = (v: string, t: number) => c.rows.find((r) => r.variable === v && r.time === t)!;
    expect(at('Older population[85+]', 104).values).toEqual([5900, 7000, 7000]);
    expect(at('Older population[85+]', 52).values).toEqual([5550, 6100, 6100]);
    // The other elements keep their own tables.
    expect(at('Older population[75-84]', 104).differences).toEqual([0, 0, 0]);
    // The base model is untouched and still compiled once.
    expect(runs[0]!.result.series).toHaveLength(runs[1]!.result.series.length);
    const prepared = prepareScenario(inter, { name: 'values only', overrides: { 'Intermediate care places': 86 } }).prepared!;
    expect(prepared.model).toBe(inter.model);
  });
});

describe('stale scenarios are flagged, never silently dropped', () => {
  const edited = base('residential-care.cwm', (t) => t
    .replace('const "Average length of stay"', 'const "Average length of a stay"')
    .replace('"People in residential care" / "Average length of stay"', '"People in residential care" / "Average length of a stay"')
    .replace('const "Places commissioned" [places] = 1300', 'aux "Places commissioned" [places] = 1300 + 10 * (TIME - 2025)')
    .replace('dimension AgeBand: 65-74, 75-84, 85+', 'dimension AgeBand: 65-74, 75-84, 85-89, 90+')
    .replace('= 21000, 13500, 5200', '= 21000, 13500, 3900, 1300')
    .replace('"years in band"[AgeBand] [years] = 10, 10, 1', '"years in band"[AgeBand] [years] = 10, 10, 5, 1')
    .replace('"mortality rate"[AgeBand] [1/year] = 1.8%, 5%, 14%', '"mortality rate"[AgeBand] [1/year] = 1.8%, 5%, 11%, 20%')
    .replace('"admission rate"[AgeBand] [1/year] = 0.2%, 1.2%, 5.5%', '"admission rate"[AgeBand] [1/year] = 0.2%, 1.2%, 4%, 8%')
    .replace(/\[85\+\] = "ageing on"\[75-84\]/, '[85-89] = "ageing on"[75-84]\n  [90+] = "ageing on"[85-89]')
    .replace('  [85+] = 0\n', '  [90+] = 0\n')
    .replace('"Older population"[85+]', '"Older population"[90+]'));

  it('names each override that no longer fits, with a suggestion where there is one', () => {
    const scenario = {
      name: 'old assumptions',
      overrides: { 'Average length of stay': 2.5, 'Places commissioned': 1400, 'admission rate': [0.002, 0.012, 0.06], 'mortality rate[85+]': 0.15, 'Weekly fee per resident': 900 },
      graphs: { 'Admission pressure[x]': { points: [[0, 1]] as [number, number][] }, 'Weekly fee per resident': { points: [[0, 1]] as [number, number][] } },
    };
    const problems = validateScenario(edited.model, scenario);
    expect(problems.map((p) => [p.kind, p.target, p.code])).toEqual([
      ['value', 'Average length of stay', 'unknown-variable'],
      ['value', 'Places commissioned', 'not-a-parameter'],
      ['value', 'admission rate', 'element-count'],
      ['value', 'mortality rate[85+]', 'unknown-element'],
      ['graph', 'Admission pressure[x]', 'dimension-count'],
      ['graph', 'Weekly fee per resident', 'not-a-graph'],
    ]);
    expect(problems[0]!.message).toBe('The model has no variable called "Average length of stay". Did you mean "Average length of a stay"?');
    expect(problems[2]!.message).toBe('"admission rate" has 4 element(s) but 3 value(s) were given.');
    expect(problems[5]!.message).toBe('"Weekly fee per resident" is now a const, not a graph, so it has no points to replace; set its value instead.');
    // Such a scenario is not run at all.
    const { runs, problems: again } = runScenarios(edited, [{ name: 'fine', overrides: { 'Weekly fee per resident': 900 } }, scenario]);
    expect(runs.map((r) => r.scenario)).toEqual(['fine']);
    expect(again).toHaveLength(6);
  });

  it('flags bad points and data that cannot be found', () => {
    const problems = validateScenario(residential.model, {
      name: 's',
      graphs: { 'Admission pressure': { points: [[1, 1], [0.5, 2]] } },
      data: { 'Admission pressure': { table: 'missing', x: 'a', y: 'b' } },
    });
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ['bad-points', 'The x values of "Admission pressure" must increase: 0.5 comes after 1.'],
      ['no-data-tables', 'Data tables are only available in a project; this model has none.'],
    ]);
    const withTables = validateScenario(residential.model, { name: 's', data: { 'Admission pressure': { table: 't', x: 'occupancy', y: 'nope' } } }, { dataTables: () => ({ columns: ['occupancy', 'pressure'], rows: [] }) });
    expect(withTables[0]).toMatchObject({ code: 'unknown-column', message: 'The data table "t" has no column "nope" (columns: occupancy, pressure).' });
  });
});

describe('a stock with only a constant inflow', () => {
  it('differs by Δinflow · t', () => {
    const model = 'simulation\n  start: 0\n  stop: 10\n  dt: 1/2\nstock S = 5\n  inflow: f\nflow f = rate\nconst rate = 3\n';
    const b = { ast: parseModel(model, 'm.cwm').ast, model: compile(model) };
    const { runs } = runScenarios(b, [{ name: 'base' }, { name: 'faster', overrides: { rate: 3.5 } }]);
    const c = compareRuns(runs, { variables: ['S'] });
    c.rows.forEach((r) => expect(r.differences[1]).toBeCloseTo(0.5 * r.time, 12));
    expect(getSeries(simulate(b.model), 'S')![20]).toBe(35);
  });
});

describe('scenario text never reaches generated code', () => {
  it('names are only looked up, and new points become table data', () => {
    const evil = '"); globalThis.pwned = 1; ("';
    expect(validateScenario(residential.model, { name: evil, overrides: { [evil]: 1 }, graphs: { [`Admission pressure[${evil}]`]: { points: [[0, 1]] } } }).map((p) => p.code)).toEqual(['unknown-variable', 'dimension-count']);
    const { prepared } = prepareScenario(residential, { name: evil, graphs: { 'Admission pressure': { points: [[0, 1e308], [1, -0]] } } });
    expect(prepared!.model.source).not.toContain('pwned');
    expect(prepared!.model.source).not.toContain('1e+308');
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });
});

describe('describing a model for the forms', () => {
  it('lists parameters with their values, outputs, graphs with their points, and saved times', () => {
    const d = describeModel(residential.model);
    expect(d.savedTimes).toEqual([2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035]);
    expect(d.timeUnit).toBe('year');
    const byName = new Map(d.parameters.map((p) => [p.name, p]));
    expect(byName.get('Average length of stay')).toMatchObject({ kind: 'const', units: 'years', elements: ['Average length of stay'], values: [2.3] });
    expect(byName.get('Older population')).toMatchObject({ kind: 'stock', elements: ['Older population[65-74]', 'Older population[75-84]', 'Older population[85+]'], values: [21000, 13500, 5200] });
    expect(byName.get('People in residential care')!.values).toEqual([1150]);
    // Computed during the run: an output, not a parameter.
    expect(byName.has('Occupancy')).toBe(false);
    expect(d.outputs.find((o) => o.name === 'Occupancy')).toMatchObject({ kind: 'aux' });
    expect(d.graphs).toEqual([{ name: 'Admission pressure', points: [[0.5, 1], [0.85, 1], [0.95, 0.9], [1, 0.7], [1.1, 0.5]], interpolation: 'continuous' }]);
    const inter = describeModel(base('intermediate-care.cwm').model);
    expect(inter.graphs.map((g) => g.element)).toEqual(['Older population[65-74]', 'Older population[75-84]', 'Older population[85+]']);
  });
});
