/**
 * Vensim data: variables declared without an equation (values from .tab/.csv/.dat files next to
 * the model), the four data keywords, `:=` equations computed from other data, and CSV files in
 * GET DIRECT functions. Expected values are worked out by hand from the data written here.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileAst, formatDiagnostic, importVensim, printModel, compileSource, simulate, type DataFile } from '../engine/src/index.js';
import { loadModelFile } from '../services/model-files.js';
import { series } from './helpers.js';

const control = (stop: number, dt: number) => `
********************************************************
\t.Control
********************************************************~
\t|
FINAL TIME = ${stop} ~~|
INITIAL TIME = 0 ~~|
TIME STEP = ${dt} ~~|
SAVEPER = TIME STEP ~~|
`;

function run(mdl: string, files: DataFile[]) {
  const read = importVensim(mdl, 'm.mdl', undefined, () => files);
  const c = compileAst(read.ast, read.diagnostics);
  expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  const result = simulate(c.model!);
  // And the same through .cwm.
  const again = simulate(compileSource(printModel(read.ast), 'm.cwm').model!);
  expect(again.series.map((s) => Array.from(s.values))).toEqual(result.series.map((s) => Array.from(s.values)));
  return result;
}

const NA = -1e38;

describe('data variables without equations', () => {
  const mdl = `{UTF-8}
dim : A, B ~~|
level :INTERPOLATE: ~~|
held[dim] :HOLD BACKWARD: ~~|
ahead :LOOK FORWARD: ~~|
raw :RAW: ~~|
plain ~~|
${control(3, 0.5)}`;
  // times down the first column; an empty cell is a missing value
  const tab = 'Time\tlevel\theld[A]\theld[B]\tahead\traw\tplain\n0\t0\t1\t10\t1\t5\t7\n2\t4\t\t20\t3\t6\t7\n3\t\t3\t30\t\t\t7\n';

  test('read from a tab file: interpolated, held, looked forward, raw (with :NA: between points)', () => {
    const r = run(mdl, [{ name: 'data.tab', text: tab }]);
    expect(series(r, 'level')).toEqual([0, 1, 2, 3, 4, 4, 4]);
    expect(series(r, 'held[A]')).toEqual([1, 1, 1, 1, 1, 1, 3]);
    expect(series(r, 'held[B]')).toEqual([10, 10, 10, 10, 20, 20, 30]);
    expect(series(r, 'ahead')).toEqual([1, 3, 3, 3, 3, 3, 3]);
    expect(series(r, 'raw')).toEqual([5, NA, NA, NA, 6, NA, NA]);
    expect(series(r, 'plain')).toEqual([7, 7, 7, 7, 7, 7, 7]);
  });

  test('the same data with times across the first row, as CSV, and as a .dat file', () => {
    const across = 'Time,0,2,3\nlevel,0,4,\n"held[A]",1,,3\n"held[B]",10,20,30\nahead,1,3,\nraw,5,6,\nplain,7,7,7\n';
    const dat = 'level\n0 0\n2 4\nheld[A]\n0 1\n3 3\nheld[B]\n0 10\n2 20\n3 30\nahead\n0 1\n2 3\nraw\n0\t5\n2\t6\nplain\n0 7\n';
    for (const file of [{ name: 'data.csv', text: across }, { name: 'data.dat', text: dat }]) {
      const r = run(mdl, [file]);
      expect(series(r, 'level'), file.name).toEqual([0, 1, 2, 3, 4, 4, 4]);
      expect(series(r, 'held[A]'), file.name).toEqual([1, 1, 1, 1, 1, 1, 3]);
      expect(series(r, 'raw'), file.name).toEqual([5, NA, NA, NA, 6, NA, NA]);
    }
  });

  test('the first file that has a variable gives its values', () => {
    const r = run(`{UTF-8}\nx ~~|\ny ~~|\n${control(1, 1)}`, [
      { name: 'a.tab', text: 'Time\tx\n0\t1\n1\t2\n' },
      { name: 'b.tab', text: 'Time\tx\ty\n0\t100\t5\n1\t100\t6\n' },
    ]);
    expect(series(r, 'x')).toEqual([1, 2]);
    expect(series(r, 'y')).toEqual([5, 6]);
  });

  test('a data variable with no data says where it looked', () => {
    const read = importVensim(`{UTF-8}\ndim : A, B ~~|\nx[dim] ~~|\n${control(1, 1)}`, 'm.mdl', undefined, () => [{ name: 'data.tab', text: 'Time\tx[A]\n0\t1\n' }]);
    expect(read.diagnostics.map(formatDiagnostic)).toEqual(['m.mdl:3:1: error: "x[B]" is a data variable without an equation, and none of the data files next to the model (data.tab) has values for it.']);
    expect(read.diagnostics[0]!.variable).toBe('x');
    const none = importVensim(`{UTF-8}\nx :RAW: ~~|\n${control(1, 1)}`, 'm.mdl');
    expect(none.diagnostics.map((d) => d.message)).toEqual(['"x" is a data variable without an equation, and there is no data file (.tab, .csv or .dat) next to the model.']);
  });

  test('a data equation computed from other data (:=) is an ordinary equation', () => {
    const r = run(`{UTF-8}\nbase ~~|\ndouble := base * 2 ~~|\n${control(2, 1)}`, [{ name: 'd.tab', text: 'Time\tbase\n0\t1\n2\t3\n' }]);
    expect(series(r, 'double')).toEqual([2, 4, 6]);
  });
});

describe('files next to a model on disk', () => {
  test('data files in the model folder, and CSV files in GET DIRECT functions (delimiter for the sheet)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cwb-data-'));
    await writeFile(join(dir, 'series.tab'), 'Time\tdemand\n0\t10\n4\t30\n');
    await writeFile(join(dir, 'inputs.csv'), 'year,value,rate\n0,1,0.5\n2,5,0.25\n');
    await writeFile(join(dir, 'table.txt'), 'a\tb\n3\t4\n');
    await writeFile(
      join(dir, 'm.mdl'),
      `{UTF-8}
demand ~~|
supplied := GET DIRECT DATA('inputs.csv', ',', 'A', 'B2') ~~|
rate = GET DIRECT CONSTANTS('inputs.csv', ',', 'C3') ~~|
cells = GET DIRECT CONSTANTS('table.txt', '\\t', 'B2') ~~|
default tab = GET DIRECT CONSTANTS('table.txt', '', 'A2') ~~|
tbl(GET DIRECT LOOKUPS('inputs.csv', ',', 'A', 'B2')) ~~|
looked up = tbl(1) ~~|
${control(4, 1)}`,
    );
    const compiled = await loadModelFile(join(dir, 'm.mdl'));
    expect(compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const r = simulate(compiled.model!);
    expect(series(r, 'demand')).toEqual([10, 15, 20, 25, 30]);
    expect(series(r, 'supplied')).toEqual([1, 3, 5, 5, 5]);
    expect(series(r, 'rate')[0]).toBe(0.25);
    expect(series(r, 'cells')[0]).toBe(4);
    expect(series(r, 'default tab')[0]).toBe(3);
    expect(series(r, 'looked up')[0]).toBe(3);
  });

  test('constants for some elements, data mixed with equations, two-dimensional data, subscripts from a sheet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cwb-data-'));
    // columns: time, then one series per element of x[r, c] in row-major order
    await writeFile(join(dir, 'data.csv'), 'time,r1c1,r1c2,r2c1,r2c2\n0,1,2,3,4\n2,3,4,5,6\n');
    await writeFile(join(dir, 'consts.csv'), 'a,b,c\n1,2,3\n');
    await writeFile(join(dir, 'names.csv'), 'north,south\n7,8\n');
    await writeFile(
      join(dir, 'm.mdl'),
      `{UTF-8}
r : r1, r2 ~~|
c : c1, c2 ~~|
sex : female, male ~~|
area : GET DIRECT SUBSCRIPT('names.csv', ',', 'A1', 'B1', '') ~~|
depth : GET DIRECT SUBSCRIPT('names.csv', ',', 'A2', '', 'Depth') ~~|
x[r, c] := GET DIRECT DATA('data.csv', ',', 'A', 'B2') ~~|
women[c, female] = GET DIRECT CONSTANTS('consts.csv', ',', 'A2') ~~|
mixed[r1] := GET DIRECT DATA('data.csv', ',', 'A', 'B2') ~~|
mixed[r2] = 10 ~~|
per area[area] = 1, 2 ~~|
per depth[depth] = 3, 4 ~~|
${control(2, 1)}`,
    );
    const compiled = await loadModelFile(join(dir, 'm.mdl'));
    expect(compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const r = simulate(compiled.model!);
    expect(series(r, 'x[r1,c1]')).toEqual([1, 2, 3]);
    expect(series(r, 'x[r1,c2]')).toEqual([2, 3, 4]);
    expect(series(r, 'x[r2,c1]')).toEqual([3, 4, 5]);
    expect(series(r, 'x[r2,c2]')).toEqual([4, 5, 6]);
    // [c, female] reads a row, as [c] would
    expect([series(r, 'women[c1,female]')[0], series(r, 'women[c2,female]')[0], series(r, 'women[c1,male]')[0]]).toEqual([1, 2, 0]);
    expect(series(r, 'mixed[r1]')).toEqual([1, 2, 3]);
    expect(series(r, 'mixed[r2]')).toEqual([10, 10, 10]);
    expect(series(r, 'per area[south]')[0]).toBe(2);
    expect(series(r, 'per depth[Depth8]')[0]).toBe(4);
  });

  test('lookups and data whose x values go down, or repeat for a step, are put in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cwb-data-'));
    await writeFile(join(dir, 'down.csv'), 'time,v\n2,20\n1,10\n0,0\n');
    await writeFile(
      join(dir, 'm.mdl'),
      `{UTF-8}
falling((2,20),(1,10),(0,0)) ~~|
step((0,0),(1,0),(1,1),(2,1)) ~~|
a = falling(TIME / 2) ~~|
b = step(TIME / 2 + 0.25) ~~|
v := GET DIRECT DATA('down.csv', ',', 'A', 'B2') ~~|
${control(2, 1)}`,
    );
    const compiled = await loadModelFile(join(dir, 'm.mdl'));
    expect(compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(compiled.diagnostics.map((d) => d.message)).toEqual(expect.arrayContaining([
      'The points of lookup "falling" are not in order of x; they were sorted.',
      'Lookup "step" repeats an x value (a vertical step); the second point was moved just after the first.',
      'The points of lookup "v" are not in order of x; they were sorted.',
    ]));
    const r = simulate(compiled.model!);
    expect(series(r, 'a')).toEqual([0, 5, 10]);
    expect(series(r, 'b')).toEqual([0, 0, 1]);
    expect(series(r, 'v')).toEqual([0, 10, 20]);
  });
});

describe('GET TIME VALUE', () => {
  test('model time works; calendar measures and the computer clock get a clear error', () => {
    const read = importVensim(`{UTF-8}\nnow = GET TIME VALUE(0, 2, 0) ~~|\nfrom start = GET TIME VALUE(1, 0.5, 0) ~~|\n${control(1, 1)}`, 'm.mdl');
    const r = simulate(compileAst(read.ast, read.diagnostics).model!);
    expect(series(r, 'now')).toEqual([2, 3]);
    expect(series(r, 'from start')).toEqual([0.5, 0.5]);
    const bad = importVensim(`{UTF-8}\nmonth = GET TIME VALUE(0, 0, 3) ~~|\nclock = GET TIME VALUE(2, 0, 7) ~~|\n${control(1, 1)}`, 'm.mdl');
    expect(bad.diagnostics.map((d) => d.message)).toEqual([
      "GET TIME VALUE measure 3 (the month) turns model time into a calendar date through Vensim's time base settings, which the .mdl file does not record; only measure 0 (model time) can be imported.",
      "GET TIME VALUE(2, …) reads the computer's clock (the hour), so no two runs would give the same results; it cannot be imported. Use a constant for the date instead.",
    ]);
  });
});
