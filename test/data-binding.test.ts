/** Graphs that read data tables: both table layouts, filters, interpolation between years, and every error. */
import { describe, expect, it } from 'vitest';
import { compileSource, parseModel, printModel, simulate, type DataTableData } from '../engine/src/index.js';
import { series } from './helpers.js';

const WIDE: DataTableData = { columns: ['year', '65-74', '75-84', '85+'], rows: [[2025, 21000, 13500, 5200], [2030, 22000, 14500, 6200], [2035, 23000, 15000, 7700]] };
const LONG: DataTableData = {
  columns: ['area', 'sex', 'age', 'year', 'value'],
  rows: [
    ['Leeds', 'persons', '85+', 2025, 14000], ['Leeds', 'persons', '85+', 2035, 19000],
    ['York', 'persons', '85+', 2025, 5000], ['York', 'persons', '85+', 2035, 7000],
    ['Leeds', 'persons', '65-74', 2025, 70000], ['Leeds', 'persons', '65-74', 2035, 76000],
    ['Leeds', 'persons', '75-84', 2025, 40000], ['Leeds', 'persons', '75-84', 2035, 48000],
  ],
};
const tables = (name: string): DataTableData | undefined => ({ 'Population projections': WIDE, 'ONS SNPP': LONG } as Record<string, DataTableData>)[name];

const model = (graph: string) => `model "Data"
simulation
  start: 2025
  stop: 2035
  dt: 1
  time unit: year
dimension AgeBand: 65-74, 75-84, 85+
${graph}
`;

function run(text: string, source = tables) {
  const compiled = compileSource(text, 'data.cwm', { dataTables: source });
  expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return simulate(compiled.model!);
}
const errors = (text: string, source: typeof tables | null = tables) => compileSource(text, 'data.cwm', source ? { dataTables: source } : {}).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}: ${d.message}`);

describe('graphs from data tables', () => {
  it('reads a wide table: one column per element, interpolated between years', () => {
    const r = run(model('graph "Population"[AgeBand] [people] = TIME\n  data: "Population projections"'));
    expect(series(r, 'Population[85+]')[0]).toBe(5200);
    // 2027 is 2/5 of the way from 2025 (5200) to 2030 (6200).
    expect(series(r, 'Population[85+]')[2]).toBeCloseTo(5200 + 0.4 * 1000, 10);
    expect(series(r, 'Population[65-74]')[10]).toBe(23000);
  });

  it('reads a long table: elements as values of a key column, other rows filtered out', () => {
    const r = run(model('graph "Population"[AgeBand] [people] = TIME\n  data: "ONS SNPP"\n  data where: "area" = "Leeds", "sex" = "persons"'));
    expect(series(r, 'Population[85+]')[5]).toBeCloseTo(16500, 10);
    expect(series(r, 'Population[75-84]')[10]).toBe(48000);
    const scalar = run(model('graph "York 85+" [people] = TIME\n  data: "ONS SNPP"\n  data where: "area" = "York", "age" = "85+"\n  data y: "value"'));
    expect(series(scalar, 'York 85+')).toEqual([5000, 5200, 5400, 5600, 5800, 6000, 6200, 6400, 6600, 6800, 7000].map((x) => expect.closeTo(x, 9)));
  });

  it('holds the first and last values beyond the table, or steps with discrete interpolation', () => {
    const r = run(model('graph "Pop"[AgeBand] = TIME - 5\n  data: "Population projections"\n  interpolation: discrete'));
    expect(series(r, 'Pop[85+]').slice(0, 6)).toEqual([5200, 5200, 5200, 5200, 5200, 5200]);
    expect(series(r, 'Pop[85+]')[9]).toBe(5200);
    expect(series(r, 'Pop[85+]')[10]).toBe(6200);
  });

  it('is written back as its binding, not as the points it read', () => {
    const text = model('graph "Population"[AgeBand] [people] = TIME\n  data: "ONS SNPP"\n  data x: "year"\n  data y: "value"\n  data where: "area" = "Leeds"\n  interpolation: discrete');
    const printed = printModel(parseModel(text, 'x.cwm').ast);
    expect(printed).toContain('  data: "ONS SNPP"\n  data x: "year"\n  data y: "value"\n  data where: "area" = "Leeds"\n  interpolation: discrete');
    expect(printed).not.toContain('points');
    expect(printModel(parseModel(printed, 'x.cwm').ast)).toBe(printed);
  });

  it('reports each problem at its property line, naming what is there', () => {
    const at = (g: string) => errors(model(g));
    expect(at('graph "P"[AgeBand] = TIME\n  data: "Census"')).toEqual(['9: There is no data table called "Census" (for "P"): import it into the project, or check the name.']);
    expect(at('graph "P" = TIME\n  data: "ONS SNPP"\n  data y: "people"')).toEqual(['10: The data table "ONS SNPP" has no column "people" (its columns: area, sex, age, year, value).']);
    expect(at('graph "P" = TIME\n  data: "ONS SNPP"\n  data where: "region" = "Leeds"')).toEqual(['10: The data table "ONS SNPP" has no column "region" (its columns: area, sex, age, year, value).']);
    expect(at('graph "P"[AgeBand] = TIME\n  data: "ONS SNPP"')).toEqual(['9: The data table "ONS SNPP" has two rows for year 2025 for 85+: pick one with  data where: "column" = "value".']);
    expect(at('graph "P"[AgeBand] = TIME\n  data: "ONS SNPP"\n  data where: "area" = "Hull"')).toEqual(['9: No row of "ONS SNPP" has a value for "P[65-74]" (looking for area = Hull, age = 65-74).']);
    expect(errors(model('dimension Sex: male, female\ngraph "P"[Sex] = TIME\n  data: "ONS SNPP"'))).toEqual(['10: No column of "ONS SNPP" names the elements of Sex (male, female): name columns after them, or give the table a column whose values are those names.']);
    expect(errors(model('graph "P" = TIME\n  data: "T"'), () => ({ columns: ['when', 'x'], rows: [[1, 2]] }))).toEqual(['9: Which column of "T" holds the years? Add  data x: "column"  (its columns: when, x).']);
    // York's rows still hold three age bands: the value column is there, but two rows for each year.
    expect(errors(model('graph "P" = TIME\n  data: "ONS SNPP"\n  data where: "area" = "Leeds"'))).toEqual(['9: The data table "ONS SNPP" has two rows for year 2025: pick one with  data where: "column" = "value".']);
    expect(errors(model('graph "P" = TIME\n  data: "Population projections"'), tables)).toEqual(['9: Which column of "Population projections" holds the values of "P"? Add  data y: "column"  (one of "65-74", "75-84", "85+").']);
    expect(errors(model('graph "P" = TIME\n  data: "ONS SNPP"'), null)).toEqual(['9: "P" reads the data table "ONS SNPP", but no data tables are available here: run the model in the project that holds the table, or name a .csv or .xlsx file next to the model.']);
    expect(errors(model('graph "P" = TIME\n  data: "ONS SNPP"\n  points: (1, 2)'))[0]).toMatch(/has points and a data table: keep one of them/);
  });
});
