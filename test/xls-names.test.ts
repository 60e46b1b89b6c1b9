/** Defined names in legacy .xls workbooks, on a workbook built here record by record. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatDiagnostic, simulate } from '../engine/src/index.js';
import { loadModelFile } from '../services/model-files.js';
import { readXls } from '../services/xls.js';
import { series } from './helpers.js';

const record = (type: number, data: Buffer): Buffer => Buffer.concat([Buffer.from([type & 0xff, type >> 8, data.length & 0xff, data.length >> 8]), data]);
const u16 = (...xs: number[]): Buffer => Buffer.from(xs.flatMap((x) => [x & 0xff, (x >> 8) & 0xff]));

/** A NAME record: `name` for a cell area of sheet `extern` (an EXTERNSHEET entry). */
function nameRecord(name: string, extern: number, r0: number, c0: number, r1: number, c1: number): Buffer {
  const formula = Buffer.concat([Buffer.from([0x3b]), u16(extern, r0, r1, c0, c1)]);
  const head = Buffer.concat([u16(0), Buffer.from([0, name.length]), u16(formula.length, 0, 0), Buffer.from([0, 0, 0, 0, 0])]);
  return record(0x0018, Buffer.concat([head, Buffer.from(name, 'latin1'), formula]));
}

/** The Workbook stream: globals (one sheet, EXTERNSHEET, names), then the sheet's numbers. */
function workbookStream(cells: [number, number, number][], names: Buffer[], strings: Buffer[] = [], labels: [number, number, number][] = []): Buffer {
  const bof = record(0x0809, u16(0x0600, 0x0005, 0, 0, 0, 0, 0, 0));
  const eof = record(0x000a, Buffer.alloc(0));
  const sheetName = 'Data';
  const bound = (offset: number) => record(0x0085, Buffer.concat([Buffer.from([offset & 0xff, (offset >> 8) & 0xff, (offset >> 16) & 0xff, offset >>> 24, 0, 0, sheetName.length, 0]), Buffer.from(sheetName, 'latin1')]));
  const externsheet = record(0x0017, u16(1, 0, 0, 0));
  const globalsLength = bof.length + bound(0).length + externsheet.length + [...names, ...strings].reduce((n, b) => n + b.length, 0) + eof.length;
  const numbers = cells.map(([row, col, v]) => {
    const d = Buffer.alloc(14);
    d.writeUInt16LE(row, 0);
    d.writeUInt16LE(col, 2);
    d.writeDoubleLE(v, 6);
    return record(0x0203, d);
  });
  const labelCells = labels.map(([row, col, isst]) => record(0x00fd, Buffer.concat([u16(row, col, 0), u16(isst & 0xffff, isst >>> 16)])));
  return Buffer.concat([bof, bound(globalsLength), externsheet, ...names, ...strings, eof, bof, ...numbers, ...labelCells, eof]);
}

/** A compound file of 512-byte sectors: FAT, directory, then the stream (padded past the mini-stream cutoff). */
function compoundFile(stream: Buffer): Buffer {
  const data = Buffer.concat([stream, Buffer.alloc(Math.max(0, 4096 - stream.length))]);
  const sectors = Math.ceil(data.length / 512);
  const header = Buffer.alloc(512, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 24);
  header.writeUInt16LE(3, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(1, 44); // one FAT sector
  header.writeUInt32LE(1, 48); // directory in sector 1
  header.writeUInt32LE(4096, 56);
  header.writeUInt32LE(0xfffffffe, 60);
  header.writeUInt32LE(0xfffffffe, 68);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 76 + 4 * i);
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0);
  fat.writeUInt32LE(0xfffffffe, 4);
  for (let s = 0; s < sectors; s++) fat.writeUInt32LE(s + 1 < sectors ? s + 3 : 0xfffffffe, 4 * (s + 2));
  const dir = Buffer.alloc(512, 0);
  const entry = (i: number, name: string, type: number, start: number, size: number) => {
    const at = i * 128;
    dir.write(name, at, 'utf16le');
    dir.writeUInt16LE((name.length + 1) * 2, at + 64);
    dir[at + 66] = type;
    dir.writeUInt32LE(start, at + 116);
    dir.writeUInt32LE(size, at + 120);
  };
  entry(0, 'Root Entry', 5, 0xfffffffe, 0);
  entry(1, 'Workbook', 2, 2, data.length);
  return Buffer.concat([header, fat, dir, data, Buffer.alloc(sectors * 512 - data.length)]);
}

describe('.xls defined names', () => {
  // rates: B2:D2 = 0.1, 0.2, 0.3; start: F5 = 7
  const book = compoundFile(workbookStream([[1, 1, 0.1], [1, 2, 0.2], [1, 3, 0.3], [4, 5, 7]], [nameRecord('rates', 0, 1, 1, 1, 3), nameRecord('start', 0, 4, 5, 4, 5)]));

  test('names of an area and of one cell, by their sheet', () => {
    const sheet = readXls(book).sheet('data')!;
    expect(sheet.range('rates')).toEqual({ from: { col: 1, row: 1 }, to: { col: 3, row: 1 } });
    expect(sheet.range('START')).toEqual({ from: { col: 5, row: 4 }, to: { col: 5, row: 4 } });
    expect(sheet.range('B2:D2')).toEqual({ from: { col: 1, row: 1 }, to: { col: 3, row: 1 } });
    expect(sheet.range('nothing')).toBeUndefined();
    expect(sheet.value(3, 1)).toBe(0.3);
  });

  test('text cells through the shared string table, also when a string is cut by a CONTINUE record', () => {
    // "north" in one byte per character; "south-east" cut after "sou", going on in two bytes per character
    const sst = Buffer.concat([u16(2, 0, 2, 0), u16(5), Buffer.from([0]), Buffer.from('north', 'latin1'), u16(10), Buffer.from([0]), Buffer.from('sou', 'latin1')]);
    const rest = Buffer.concat([Buffer.from([1]), Buffer.from('th-east', 'utf16le')]);
    const withText = compoundFile(workbookStream([[0, 0, 1]], [], [record(0x00fc, sst), record(0x003c, rest)], [[2, 0, 0], [3, 0, 1]]));
    const sheet = readXls(withText).sheet('Data')!;
    expect([sheet.text!(0, 2), sheet.text!(0, 3), sheet.text!(0, 0)]).toEqual(['north', 'south-east', undefined]);
  });

  test('a Vensim model reads constants by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cwb-xls-'));
    await writeFile(join(dir, 'book.xls'), book);
    await writeFile(join(dir, 'm.mdl'), `{UTF-8}\nBand : a, b, c ~~|\nrate[Band] = GET XLS CONSTANTS('book.xls', 'Data', 'rates') ~~|\nfirst = GET XLS CONSTANTS('book.xls', 'Data', 'start') ~~|\n********************************************************\n\t.Control\n********************************************************~\n\t|\nFINAL TIME = 1 ~~|\nINITIAL TIME = 0 ~~|\nTIME STEP = 1 ~~|\nSAVEPER = 1 ~~|\n`);
    const compiled = await loadModelFile(join(dir, 'm.mdl'));
    expect(compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const r = simulate(compiled.model!);
    expect(['rate[a]', 'rate[b]', 'rate[c]', 'first'].map((n) => series(r, n)[0])).toEqual([0.1, 0.2, 0.3, 7]);
  });
});
