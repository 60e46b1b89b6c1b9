import type { LookupTable, ModelIR } from '../ir/ir.js';
import { RUN_HEADER_BYTES, TABLE_DESCRIPTOR_BYTES } from './wasm-helpers.js';

/**
 * Where a WebAssembly kernel keeps everything in its linear memory (byte offsets). The parts the
 * compiled code addresses directly depend only on the model's structure (slot, state, table,
 * PREVIOUS and literal counts), so editing a number or a graph's points leaves both modules'
 * bytes, and their compiled code, the same: the numbers of the equations are read from the
 * literal pool, graph points sit behind table descriptors, and the parts that depend on a run
 * (DELAY histories, saved values) come after `bytes`, found through the run header.
 */
export interface Layout {
  /** Per-run parameter overrides: one f64 per slot (slots themselves start at 0). */
  readonly overrides: number;
  /** The integrator's arrays: k1…k4 and s0, nState f64 each. */
  readonly work: number;
  /** Run header: i32 start of the DELAY histories, i32 bytes per pipeline's history. */
  readonly header: number;
  /** Table descriptors: i32 xs address, i32 ys address, i32 point count (16 bytes each). */
  readonly tableIndex: number;
  /** Values PREVIOUS remembers between capture and release: one f64 each. */
  readonly pending: number;
  /** The literal pool: the numbers written in the step module's equations, then the init module's. */
  readonly literals: number;
}

/** The rest of the fixed part, once the modules' literals are counted. */
export interface DataLayout {
  /** The tables' points: xs then ys of each, f64. */
  readonly tables: number;
  /** End of the fixed part. */
  readonly bytes: number;
}

const align8 = (bytes: number): number => Math.ceil(bytes / 8) * 8;

export function layoutOf(ir: ModelIR): Layout {
  const n = ir.slots.length;
  const overrides = n * 8;
  const work = overrides + n * 8;
  const header = work + 5 * ir.nState * 8;
  const tableIndex = header + RUN_HEADER_BYTES;
  const pending = align8(tableIndex + TABLE_DESCRIPTOR_BYTES * ir.tables.length);
  return { overrides, work, header, tableIndex, pending, literals: pending + 8 * ir.previous.length };
}

export function dataLayoutOf(layout: Layout, ir: ModelIR, literals: number): DataLayout {
  const tables = layout.literals + 8 * literals;
  const points = ir.tables.reduce((sum, t) => sum + 16 * t.xs.length, 0);
  return { tables, bytes: tables + points };
}

/** The address of table `t`'s descriptor. */
export function tableDescriptor(layout: Layout, t: number): number {
  return layout.tableIndex + TABLE_DESCRIPTOR_BYTES * t;
}

/** Writes the literal pool, and the tables' descriptors and points, into the memory (no run changes them). */
export function writeData(buffer: ArrayBuffer, layout: Layout, data: DataLayout, literals: readonly number[], tables: readonly LookupTable[]): void {
  const f64 = new Float64Array(buffer);
  const i32 = new Int32Array(buffer);
  f64.set(literals, layout.literals / 8);
  let at = data.tables;
  tables.forEach((t, i) => {
    const d = tableDescriptor(layout, i) / 4;
    const n = t.xs.length;
    i32[d] = at;
    i32[d + 1] = at + 8 * n;
    i32[d + 2] = n;
    f64.set(t.xs, at / 8);
    f64.set(t.ys, at / 8 + n);
    at += 16 * n;
  });
}

/** The parts of memory one run needs beyond the fixed part: DELAY histories, the saved-slot list and the saved values. */
export interface RunRegions {
  readonly history: number;
  /** Bytes per pipeline's history: one f64 per step, 0 … steps. */
  readonly historyStride: number;
  readonly list: number;
  readonly store: number;
  readonly end: number;
}

export function runRegions(data: DataLayout, delays: number, steps: number, recorded: number, nSaved: number): RunRegions {
  const history = align8(data.bytes);
  const historyStride = 8 * (steps + 1);
  const list = history + delays * historyStride;
  const store = list + align8(4 * recorded);
  return { history, historyStride, list, store, end: store + 8 * recorded * nSaved };
}
