import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { simulate } from '../engine/src/index.js';
import { loadModelFile } from '../services/model-files.js';
import { parseCell, readXlsx } from '../services/xlsx.js';
import { readXls } from '../services/xls.js';
import { series } from './helpers.js';
import { zip } from './zip.js';

const workbook = zip(
  {
    'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
      <sheets><sheet name="Projections" sheetId="1" r:id="rId1"/></sheets>
      <definedNames><definedName name="years">Projections!$B$1:$D$1</definedName><definedName name="rates">Projections!$B$4</definedName></definedNames></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="worksheet"/></Relationships>`,
    'xl/sharedStrings.xml': `<?xml version="1.0"?><sst><si><t>Age band</t></si><si><r><t>85</t></r><r><t>+</t></r></si></sst>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0"?><worksheet><sheetData>
      <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2025</v></c><c r="C1"><v>2030</v></c><c r="D1"><v>2035</v></c></row>
      <row r="2"><c r="A2"><v>65</v></c><c r="B2"><v>21000</v></c><c r="C2"><v>22400</v></c><c r="D2"><v>23000</v></c></row>
      <row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>5200</v></c><c r="D3"><v>8200</v></c></row>
      <row r="4"><c r="B4"><v>0.002</v></c><c r="C4"><v>0.055</v></c></row>
    </sheetData></worksheet>`,
  },
  ['xl/worksheets/sheet1.xml'],
);

describe('.xlsx reader', () => {
  test('cells by reference, shared strings skipped as non-numbers, defined names', () => {
    expect(parseCell('B12')).toEqual({ col: 1, row: 11 });
    expect(parseCell('$AA$3')).toEqual({ col: 26, row: 2 });
    const sheet = readXlsx(workbook).sheet('projections')!;
    expect(sheet.value(1, 0)).toBe(2025);
    expect(sheet.value(2, 2)).toBeUndefined(); // an empty cell
    expect(sheet.value(0, 0)).toBeUndefined(); // text
    expect(sheet.range('years')).toEqual({ from: { col: 1, row: 0 }, to: { col: 3, row: 0 } });
    expect(sheet.range('C4')).toEqual({ from: { col: 2, row: 3 }, to: { col: 2, row: 3 } });
    expect(readXlsx(workbook).sheet('missing')).toBeUndefined();
  });

  test('a file that is not a workbook is refused with a reason', () => {
    expect(() => readXlsx(Buffer.from('not a zip'))).toThrow('not a zip archive');
    expect(() => readXls(Buffer.from('not an OLE file'))).toThrow('not an Excel 97-2003 (.xls) workbook');
  });

  test('a legacy .xls workbook from the suite: numbers by sheet and cell', async () => {
    const { readFile } = await import('node:fs/promises');
    const sheet = readXls(await readFile('../shared/test-models/tests/get_lookups_subset/input.xls')).sheet('Sheet1')!;
    const row = (r: number): (number | undefined)[] => [2, 3, 4, 5].map((c) => sheet.value(c, r));
    // Row 4 holds the x values the model reads with GET XLS LOOKUPS(…, '4', 'C5'); they increase.
    const xs = row(3).filter((x): x is number => x !== undefined);
    expect(xs.length).toBeGreaterThan(1);
    xs.forEach((x, i) => i > 0 && expect(x).toBeGreaterThan(xs[i - 1]!));
    expect(readXls(await readFile('../shared/test-models/tests/get_lookups_subset/input.xls')).sheet('no such sheet')).toBeUndefined();
  });
});

describe('Vensim GET DIRECT functions read a workbook next to the model', () => {
  test('GET DIRECT SUBSCRIPT: element names from text and number cells, with a prefix', async () => {
    expect(readXlsx(workbook).sheet('Projections')!.text!(0, 2)).toBe('85+');
    const dir = await mkdtemp(join(tmpdir(), 'cwb-xlsx-'));
    await writeFile(join(dir, 'projections.xlsx'), workbook);
    await writeFile(join(dir, 'model.mdl'), `{UTF-8}\nBand: GET DIRECT SUBSCRIPT('projections.xlsx', 'Projections', 'A2', 'A3', 'age ') ~~|\nshare[Band] = 1, 2 ~~|\nFINAL TIME = 1 ~~|\nINITIAL TIME = 0 ~~|\nTIME STEP = 1 ~~|\nSAVEPER = 1 ~~|\n`);
    const compiled = await loadModelFile(join(dir, 'model.mdl'));
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const r = simulate(compiled.model!);
    expect([series(r, 'share[age 65]')[0], series(r, 'share[age 85+]')[0]]).toEqual([1, 2]);
  });

  test('constants across a row, data over time with a gap, by defined name or by cell', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cwb-xlsx-'));
    await writeFile(join(dir, 'projections.xlsx'), workbook);
    await writeFile(
      join(dir, 'model.mdl'),
      `{UTF-8}
Band: young, old ~~|
rate[Band]= GET DIRECT CONSTANTS('projections.xlsx', 'Projections', 'rates') ~~|
population[Band]:= GET DIRECT DATA('projections.xlsx', 'Projections', 'years', 'B2') ~~|
oldest:= GET DIRECT DATA('projections.xlsx', 'Projections', '1', 'B3') ~~|
FINAL TIME = 2035 ~~|
INITIAL TIME = 2025 ~~|
TIME STEP = 5 ~~|
SAVEPER = TIME STEP ~~|
`,
    );
    const compiled = await loadModelFile(join(dir, 'model.mdl'));
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const r = simulate(compiled.model!);
    expect(series(r, 'rate[old]')).toEqual([0.055, 0.055, 0.055]);
    expect(series(r, 'population[young]')).toEqual([21000, 22400, 23000]);
    // 2030 is missing for the oldest band: interpolated between 2025 and 2035.
    expect(series(r, 'population[old]')).toEqual([5200, 6700, 8200]);
    expect(series(r, 'oldest')).toEqual([5200, 6700, 8200]);
  });

  test('data held backward or looking forward between the data points', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cwb-xlsx-'));
    await writeFile(join(dir, 'projections.xlsx'), workbook);
    await writeFile(
      join(dir, 'modes.mdl'),
      `back:HOLD BACKWARD::= GET DIRECT DATA('projections.xlsx', 'Projections', 'years', 'B2') ~~|
forward:LOOK FORWARD::= GET DIRECT DATA('projections.xlsx', 'Projections', 'years', 'B2') ~~|
FINAL TIME = 2035 ~~|
INITIAL TIME = 2025 ~~|
TIME STEP = 2.5 ~~|
SAVEPER = TIME STEP ~~|
`,
    );
    const compiled = await loadModelFile(join(dir, 'modes.mdl'));
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const r = simulate(compiled.model!);
    expect(Array.from(r.times)).toEqual([2025, 2027.5, 2030, 2032.5, 2035]);
    expect(series(r, 'back')).toEqual([21000, 21000, 22400, 22400, 23000]);
    expect(series(r, 'forward')).toEqual([21000, 22400, 22400, 23000, 23000]);
  });

  test('a missing workbook is an error naming the file and the position', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cwb-xlsx-'));
    await writeFile(join(dir, 'model.mdl'), `x= GET DIRECT CONSTANTS('absent.xlsx', 'Sheet1', 'B2') ~~|\n`);
    const compiled = await loadModelFile(join(dir, 'model.mdl'));
    expect(compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.message])).toEqual([
      [1, `Sheet "Sheet1" of "absent.xlsx" could not be read: there is no file ${join(dir, 'absent.xlsx')}.`],
    ]);
    await writeFile(join(dir, 'projections.xlsx'), workbook);
    await writeFile(join(dir, 'sheet.mdl'), `x= GET DIRECT CONSTANTS('projections.xlsx', 'Budgets', 'B2') ~~|\n`);
    const wrongSheet = await loadModelFile(join(dir, 'sheet.mdl'));
    expect(wrongSheet.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual(['Sheet "Budgets" of "projections.xlsx" could not be read: the workbook has no sheet "Budgets".']);
  });
});
