/** Importing data tables: good files in both layouts, and bad files with the exact cells named. */
import { describe, expect, it } from 'vitest';
import { readDataFile } from '../services/data-tables.js';
import { zip } from './zip.js';

const csv = (text: string) => readDataFile('data.csv', Buffer.from(text));

describe('good files', () => {
  it('reads a long table: a year column, a key column and values', () => {
    const out = csv('year,age band,people\n2025,65-74,21000\n2025,85+,5200\n2026,65-74,21400\n2026,85+,"5,450"\n');
    expect(out.problems).toEqual([]);
    expect(out.table).toEqual({
      columns: ['year', 'age band', 'people'],
      rows: [[2025, '65-74', 21000], [2025, '85+', 5200], [2026, '65-74', 21400], [2026, '85+', 5450]],
      layout: 'long',
    });
  });

  it('turns a table with years as column headers (as ONS publishes) into year and value columns', () => {
    const out = csv('AREA_NAME,SEX,AGE_GROUP,2025,2026\r\nLeeds,persons,85-89,9100,9420\r\nLeeds,persons,90+,4300,4510\r\n');
    expect(out.problems).toEqual([]);
    expect(out.table!.layout).toBe('wide-by-year');
    expect(out.table!.columns).toEqual(['AREA_NAME', 'SEX', 'AGE_GROUP', 'year', 'value']);
    expect(out.table!.rows).toEqual([
      ['Leeds', 'persons', '85-89', 2025, 9100], ['Leeds', 'persons', '85-89', 2026, 9420],
      ['Leeds', 'persons', '90+', 2025, 4300], ['Leeds', 'persons', '90+', 2026, 4510],
    ]);
  });

  it('reads rates written as percentages, semicolon-separated files and a sheet of a workbook', () => {
    expect(csv('year;rate\n2025;5%\n2026;5.5%\n').table!.rows).toEqual([[2025, 0.05], [2026, 0.055]]);
    const book = zip({
      'xl/workbook.xml': '<workbook xmlns:r="r"><sheets><sheet name="Notes" r:id="rId1"/><sheet name="Prevalence" r:id="rId2"/></sheets></workbook>',
      'xl/_rels/workbook.xml.rels': '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>',
      'xl/sharedStrings.xml': '<sst><si><t>age band</t></si><si><t>need</t></si><si><t>65-74</t></si><si><t>85+</t></si><si><t>rate</t></si></sst>',
      'xl/worksheets/sheet1.xml': '<worksheet><sheetData/></worksheet>',
      'xl/worksheets/sheet2.xml': `<worksheet><sheetData>
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>4</v></c></row>
        <row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>0.12</v></c></row>
        <row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><v>0.45</v></c></row></sheetData></worksheet>`,
    });
    const out = readDataFile('prevalence.xlsx', book, 'Prevalence');
    expect(out.sheets).toEqual(['Notes', 'Prevalence']);
    expect(out.table!.rows).toEqual([['65-74', 0.12], ['85+', 0.45]]);
    expect(readDataFile('prevalence.xlsx', book, 'Nope').problems[0]!.message).toBe('"prevalence.xlsx" has no sheet called "Nope" (its sheets: Notes, Prevalence).');
  });
});

describe('bad files', () => {
  it('names the cells with text in numeric columns, and refuses the import', () => {
    const out = csv('year,people\n2025,21000\n2026,n/a\n2027,21900\n');
    expect(out.table).toBeUndefined();
    expect(out.problems).toEqual([{ severity: 'error', cell: 'B3', message: '"n/a" is not a number, in the numeric column "people".' }]);
  });

  it('finds repeated rows, unnamed and repeated columns', () => {
    expect(csv('year,age,people\n2025,85+,1\n2026,85+,2\n2025,85+,3\n').problems).toEqual([
      { severity: 'error', cell: 'A4', message: 'Row 4 repeats row 2 (age 85+, year 2025).' },
    ]);
    expect(csv('year,people,\n2025,1,9\n').problems).toEqual([{ severity: 'error', cell: 'C1', message: 'Column C has values but no name in the header row.' }]);
    expect(csv('year,People,people\n2025,1,2\n').problems).toEqual([{ severity: 'error', cell: 'C1', message: 'The column name "people" is used twice (also in B1).' }]);
    expect(csv('AREA,2025,2026\nLeeds,1,2\nLeeds,3,4\n').problems[0]).toEqual({ severity: 'error', cell: 'A3', message: 'Row 3 repeats row 2 (AREA Leeds, year 2025).' });
  });

  it('warns of years missing from a series and of empty values, and still imports', () => {
    const out = csv('year,age,people\n2025,85+,1\n2026,85+,2\n2027,85+,3\n2025,90+,1\n2027,90+,\n');
    expect(out.table).toBeDefined();
    expect(out.problems).toEqual([
      { severity: 'warning', cell: 'C6', message: 'Empty value in "people": that point is left out (values around it are interpolated).' },
      { severity: 'warning', cell: 'A5', message: 'age 90+: no value for year 2026 (interpolated from the years around).' },
    ]);
    const wide = csv('AGE,2025,2026,2027\n85+,1,,3\n');
    expect(wide.problems).toEqual([
      { severity: 'warning', cell: 'C2', message: 'Empty value in "2026": that point is left out (values around it are interpolated).' },
      { severity: 'warning', cell: 'A2', message: 'AGE 85+: no value for year 2026 (interpolated from the years around).' },
    ]);
  });

  it('explains empty files and other formats', () => {
    expect(csv('').problems[0]!.message).toMatch(/empty/);
    expect(csv('year,people\n').problems[0]!.message).toBe('The file has a header row but no rows of values.');
    expect(readDataFile('data.pdf', Buffer.from('x')).problems[0]!.message).toBe('"data.pdf" is not a data file: import a .csv, .tsv or .xlsx file.');
    expect(readDataFile('data.xlsx', Buffer.from('not a zip')).problems[0]!.message).toMatch(/cannot be read as an Excel workbook: not a zip archive/);
  });
});
