import type { SheetData } from '../engine/src/index.js';
import { parseCell, XlsxError, type Workbook } from './xlsx.js';

/**
 * A reader for legacy binary Excel workbooks (.xls, BIFF8 in an OLE compound file): the numbers in
 * each sheet's cells. Text cells and defined names are not read.
 */
export function readXls(buf: Buffer): Workbook {
  const stream = compoundStream(buf, ['Workbook', 'Book']);
  const sheets = new Map<string, Map<string, number>>();
  for (const { name, offset } of boundSheets(stream)) sheets.set(name.toLowerCase(), sheetCells(stream, offset));
  return {
    sheet(name) {
      const cells = sheets.get(name.toLowerCase());
      if (!cells) return undefined;
      const data: SheetData = {
        value: (col, row) => cells.get(`${col},${row}`),
        range: (ref) => {
          const cell = parseCell(ref);
          return cell ? { from: cell, to: cell } : undefined;
        },
      };
      return data;
    },
  };
}

const END_OF_CHAIN = 0xfffffffe;

/** One stream of an OLE compound file, by name. */
function compoundStream(buf: Buffer, names: readonly string[]): Buffer {
  if (buf.length < 512 || buf.readUInt32LE(0) !== 0xe011cfd0 || buf.readUInt32LE(4) !== 0xe11ab1a1) throw new XlsxError('not an Excel 97-2003 (.xls) workbook');
  const sectorSize = 1 << buf.readUInt16LE(30);
  const miniSize = 1 << buf.readUInt16LE(32);
  const miniCutoff = buf.readUInt32LE(56);
  const sector = (n: number): Buffer => buf.subarray((n + 1) * sectorSize, (n + 2) * sectorSize);
  // The FAT's own sectors: 109 in the header, the rest in the DIFAT chain.
  const fatSectors: number[] = [];
  const numFat = buf.readUInt32LE(44);
  for (let i = 0; i < 109 && fatSectors.length < numFat; i++) fatSectors.push(buf.readUInt32LE(76 + 4 * i));
  for (let d = buf.readUInt32LE(68), guard = 0; d < END_OF_CHAIN && fatSectors.length < numFat && guard < 10000; guard++) {
    const s = sector(d);
    for (let i = 0; i < sectorSize / 4 - 1 && fatSectors.length < numFat; i++) fatSectors.push(s.readUInt32LE(4 * i));
    d = s.readUInt32LE(sectorSize - 4);
  }
  const fat: number[] = [];
  for (const f of fatSectors) for (let i = 0; i < sectorSize / 4; i++) fat.push(sector(f).readUInt32LE(4 * i));
  const chain = (start: number, table: readonly number[]): number[] => {
    const out: number[] = [];
    for (let s = start; s < END_OF_CHAIN && out.length <= table.length; s = table[s] ?? END_OF_CHAIN) out.push(s);
    return out;
  };
  const read = (start: number): Buffer => Buffer.concat(chain(start, fat).map(sector));
  const dir = read(buf.readUInt32LE(48));
  const entries = Array.from({ length: Math.floor(dir.length / 128) }, (_, i) => {
    const e = dir.subarray(i * 128, (i + 1) * 128);
    const nameLength = Math.max(0, e.readUInt16LE(64) - 2);
    return { name: e.toString('utf16le', 0, nameLength), type: e[66], start: e.readUInt32LE(116), size: e.readUInt32LE(120) };
  });
  const entry = entries.find((e) => e.type === 2 && names.includes(e.name));
  if (!entry) throw new XlsxError('no workbook stream inside');
  if (entry.size >= miniCutoff) return read(entry.start).subarray(0, entry.size);
  const root = entries[0]!;
  const miniStream = read(root.start);
  const miniFatBytes = read(buf.readUInt32LE(60));
  const miniFat = Array.from({ length: miniFatBytes.length / 4 }, (_, i) => miniFatBytes.readUInt32LE(4 * i));
  return Buffer.concat(chain(entry.start, miniFat).map((n) => miniStream.subarray(n * miniSize, (n + 1) * miniSize))).subarray(0, entry.size);
}

function* records(stream: Buffer, from: number): Generator<{ type: number; data: Buffer }> {
  for (let at = from; at + 4 <= stream.length; ) {
    const type = stream.readUInt16LE(at);
    const length = stream.readUInt16LE(at + 2);
    yield { type, data: stream.subarray(at + 4, at + 4 + length) };
    at += 4 + length;
  }
}

function boundSheets(stream: Buffer): { name: string; offset: number }[] {
  const out: { name: string; offset: number }[] = [];
  for (const r of records(stream, 0)) {
    if (r.type === 0x0085) {
      const count = r.data[6]!;
      const wide = (r.data[7]! & 1) === 1;
      const name = wide ? r.data.toString('utf16le', 8, 8 + 2 * count) : r.data.toString('latin1', 8, 8 + count);
      out.push({ name, offset: r.data.readUInt32LE(0) });
    }
    if (r.type === 0x000a) break; // end of the workbook globals
  }
  return out;
}

/** An RK number: a 30-bit integer or the top of a double, optionally divided by 100. */
function rk(value: number): number {
  let x: number;
  if (value & 2) x = value >> 2;
  else {
    const b = Buffer.alloc(8);
    b.writeUInt32LE((value & 0xfffffffc) >>> 0, 4);
    x = b.readDoubleLE(0);
  }
  return value & 1 ? x / 100 : x;
}

function sheetCells(stream: Buffer, offset: number): Map<string, number> {
  const cells = new Map<string, number>();
  let first = true;
  for (const r of records(stream, offset)) {
    if (r.type === 0x000a && !first) break; // the sheet's EOF
    first = false;
    const d = r.data;
    if (r.type === 0x0203 && d.length >= 14) cells.set(`${d.readUInt16LE(2)},${d.readUInt16LE(0)}`, d.readDoubleLE(6));
    else if (r.type === 0x027e && d.length >= 10) cells.set(`${d.readUInt16LE(2)},${d.readUInt16LE(0)}`, rk(d.readInt32LE(6)));
    else if (r.type === 0x00bd && d.length >= 6) {
      const row = d.readUInt16LE(0);
      const col = d.readUInt16LE(2);
      const count = (d.length - 6) / 6;
      for (let i = 0; i < count; i++) cells.set(`${col + i},${row}`, rk(d.readInt32LE(4 + 6 * i + 2)));
    } else if (r.type === 0x0006 && d.length >= 14 && d.readUInt16LE(12) !== 0xffff) {
      cells.set(`${d.readUInt16LE(2)},${d.readUInt16LE(0)}`, d.readDoubleLE(6));
    }
  }
  return cells;
}
