import type { SheetData } from '../engine/src/index.js';
import { parseCell, XlsxError, type Workbook } from './xlsx.js';

/**
 * A reader for legacy binary Excel workbooks (.xls, BIFF8 in an OLE compound file): the numbers in
 * each sheet's cells, the text of text cells (the shared string table), and defined names of a
 * cell or a range.
 */
export function readXls(buf: Buffer): Workbook {
  const stream = compoundStream(buf, ['Workbook', 'Book']);
  const sheets = new Map<string, Map<string, number>>();
  const texts = new Map<string, Map<string, string>>();
  const bound = boundSheets(stream);
  const strings = sharedStrings(stream);
  for (const { name, offset } of bound) {
    const { numbers, labels } = sheetCells(stream, offset, strings);
    sheets.set(name.toLowerCase(), numbers);
    texts.set(name.toLowerCase(), labels);
  }
  const names = definedNames(stream, bound.map((b) => b.name.toLowerCase()));
  return {
    sheet(name) {
      const key = name.toLowerCase();
      const cells = sheets.get(key);
      if (!cells) return undefined;
      const data: SheetData = {
        value: (col, row) => cells.get(`${col},${row}`),
        text: (col, row) => texts.get(key)?.get(`${col},${row}`),
        range: (ref) => {
          const [a, b] = ref.split(':');
          const from = parseCell(a!);
          const to = b === undefined ? from : parseCell(b);
          if (from && to) return { from, to };
          // A name defined for this sheet, else one defined for the whole workbook.
          const defined = names.filter((n) => n.name === ref.trim().toLowerCase());
          return (defined.find((n) => n.sheet === key) ?? defined[0])?.range;
        },
      };
      return data;
    },
  };
}

interface DefinedName {
  readonly name: string;
  /** The sheet the name's cells are on. */
  readonly sheet: string | undefined;
  readonly range: { from: { col: number; row: number }; to: { col: number; row: number } };
}

/**
 * NAME records (0x0018) of the workbook globals whose formula is one cell or one area of a sheet
 * (ptgRef3d / ptgArea3d, the sheet found through EXTERNSHEET, 0x0017). Built-in names, names of
 * formulas and names that span sheets are left out.
 */
function definedNames(stream: Buffer, sheetNames: readonly string[]): DefinedName[] {
  const out: DefinedName[] = [];
  let externs: number[] = [];
  for (const r of records(stream, 0)) {
    const d = r.data;
    if (r.type === 0x000a) break;
    if (r.type === 0x0017 && d.length >= 2) {
      const count = d.readUInt16LE(0);
      externs = Array.from({ length: count }, (_, i) => (2 + 6 * i + 6 <= d.length ? d.readUInt16LE(2 + 6 * i + 2) : -1));
    }
    if (r.type !== 0x0018 || d.length < 15) continue;
    const flags = d.readUInt16LE(0);
    if (flags & 0x0020) continue; // built-in (print area and the like)
    const nameLength = d[3]!;
    const formulaLength = d.readUInt16LE(4);
    const wide = (d[14]! & 1) === 1;
    const nameEnd = 15 + nameLength * (wide ? 2 : 1);
    if (nameEnd + formulaLength > d.length) continue;
    const name = (wide ? d.toString('utf16le', 15, nameEnd) : d.toString('latin1', 15, nameEnd)).toLowerCase();
    const f = d.subarray(nameEnd, nameEnd + formulaLength);
    const ptg = f[0]! & 0x1f; // the class bits (reference, value, array) do not matter here
    const sheetOf = (ixti: number): string | undefined => sheetNames[externs[ixti] ?? -1];
    if (ptg === 0x1a && f.length >= 7) {
      const cell = { col: f.readUInt16LE(5) & 0x3fff, row: f.readUInt16LE(3) };
      out.push({ name, sheet: sheetOf(f.readUInt16LE(1)), range: { from: cell, to: cell } });
    } else if (ptg === 0x1b && f.length >= 11) {
      const from = { col: f.readUInt16LE(7) & 0x3fff, row: f.readUInt16LE(3) };
      const to = { col: f.readUInt16LE(9) & 0x3fff, row: f.readUInt16LE(5) };
      out.push({ name, sheet: sheetOf(f.readUInt16LE(1)), range: { from, to } });
    }
  }
  return out;
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

/**
 * The shared string table (SST, 0x00FC, continued in CONTINUE records, 0x003C): a string cut by a
 * record boundary goes on after a fresh byte saying whether its characters are one or two bytes.
 */
function sharedStrings(stream: Buffer): string[] {
  const parts: Buffer[] = [];
  for (const r of records(stream, 0)) {
    if (r.type === 0x000a) break;
    if (r.type === 0x00fc) parts.push(r.data);
    else if (r.type === 0x003c && parts.length > 0) parts.push(r.data);
    else if (parts.length > 0) break;
  }
  if (parts.length === 0) return [];
  let part = 0;
  let at = 8;
  const next = (): boolean => {
    if (at < parts[part]!.length) return true;
    if (part + 1 >= parts.length) return false;
    part++;
    at = 0;
    return true;
  };
  const byte = (): number => (next() ? parts[part]![at++]! : 0);
  const u16 = (): number => byte() | (byte() << 8);
  const u32 = (): number => (u16() | (u16() << 16)) >>> 0;
  const out: string[] = [];
  const count = parts[0]!.length >= 8 ? parts[0]!.readUInt32LE(4) : 0;
  for (let s = 0; s < count && next(); s++) {
    const length = u16();
    const flags = byte();
    const runs = flags & 0x08 ? u16() : 0;
    const extra = flags & 0x04 ? u32() : 0;
    let wide = (flags & 0x01) === 1;
    let text = '';
    for (let c = 0; c < length; c++) {
      if (at >= parts[part]!.length) {
        if (!next()) break;
        wide = (byte() & 1) === 1; // a CONTINUE inside the characters restates their width
      }
      text += String.fromCharCode(wide ? u16() : byte());
    }
    for (let k = 0; k < runs * 4 + extra; k++) byte();
    out.push(text);
  }
  return out;
}

function sheetCells(stream: Buffer, offset: number, strings: readonly string[]): { numbers: Map<string, number>; labels: Map<string, string> } {
  const cells = new Map<string, number>();
  const labels = new Map<string, string>();
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
    } else if (r.type === 0x00fd && d.length >= 10) {
      const s = strings[d.readUInt32LE(6)];
      if (s !== undefined) labels.set(`${d.readUInt16LE(2)},${d.readUInt16LE(0)}`, s);
    }
  }
  return { numbers: cells, labels };
}
