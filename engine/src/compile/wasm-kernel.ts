import type { Assignment, IExpr, ModelIR, RandomDist } from '../ir/ir.js';
import { RUNTIME_FUNCTIONS } from '../runtime/index.js';
import { RANDOM_FUNCTION } from './codegen.js';
import * as f from '../runtime/functions.js';
import { METHOD_CODE, type IntegratorOps, type Kernel, type RunBuffers, type RunShape, type Workspace } from '../sim/kernel.js';
import { Bytes, encodeModule, F64, hostHasSimd, I32, OP, SIMD, type FuncType } from './wasm-encode.js';
import { emitPair, pairable } from './wasm-pairs.js';
import { blockRows, clampFunction, flushFunction, loopFunctions, recordFunction, runSteps, SAVE_BLOCK, saveFunction, type LoopFunction, type StepFunctions } from './wasm-loops.js';
import { HELPER_TYPES, helperModule, type HelperName } from './wasm-helpers.js';
import { dataLayoutOf, layoutOf, runRegions, tableDescriptor, writeData, type DataLayout, type Layout } from './wasm-layout.js';
import { Hoisting } from './wasm-hoist.js';
import { BELT_FUNCTION, type BeltFunction } from '../runtime/belts.js';

/**
 * Compiles the IR to a WebAssembly kernel: every slot is an f64 in linear memory at slot·8, each
 * equation straight-line code that loads and stores slots. +, −, ×, ÷, √, |x|, floor, min and max
 * are WebAssembly instructions with exactly JavaScript's IEEE results; graphical functions and DELAY
 * pipelines are WebAssembly transcriptions of the runtime's (wasm-helpers.ts); everything else
 * calls the very functions the JavaScript kernel and the interpreter call, so all agree bit for bit.
 * Only numbers reach the module: slot offsets, literals and indices of our own import table.
 */

/** Statements per WebAssembly function: small enough for the optimising tier to take each quickly. */
const STATEMENTS_PER_FUNCTION = 2000;

type Fn = (...args: number[]) => number;

const RANDOM = Object.fromEntries(
  Object.entries(RANDOM_FUNCTION).map(([dist, name]) => [dist, (RUNTIME_FUNCTIONS as unknown as Record<string, Fn>)[name]!]),
) as Record<RandomDist, Fn>;

/**
 * IR the WebAssembly kernel does not emit: whole-vector functions keep their caches in JavaScript.
 * Every vector call has a cache site (lowering numbers them), so counting sites is enough — no
 * walk over every equation of a large model.
 */
function usesJavaScriptOnly(ir: ModelIR): boolean {
  return ir.vectorSites > 0;
}

/** An import calling a conveyor or queue step on the current run's state; fixed arities keep the hot ones free of rest arguments. */
function beltImport(fn: BeltFunction, arity: number, run: () => RunBuffers): Fn {
  const at = (site: number) => run().belts[site]!;
  switch (arity) {
    case 0: return (site, k, dt, index) => fn(at(site!), k!, dt!, index!);
    case 1: return (site, k, dt, index, a) => fn(at(site!), k!, dt!, index!, a!);
    case 2: return (site, k, dt, index, a, b) => fn(at(site!), k!, dt!, index!, a!, b!);
    case 5: return (site, k, dt, index, a, b, c, d, e) => fn(at(site!), k!, dt!, index!, a!, b!, c!, d!, e!);
    default: return (site, k, dt, index, ...args) => fn(at(site!), k!, dt!, index!, ...args);
  }
}

interface Minimal {
  Memory: new (limits: { initial: number }) => Memory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The host's WebAssembly, when it has one (the engine runs in Node, browsers and workers). */
function host(): Minimal | undefined {
  return (globalThis as unknown as { WebAssembly?: Minimal }).WebAssembly;
}

class Emitter {
  readonly types: FuncType[] = [];
  private readonly typeIndex = new Map<string, number>();
  readonly imports: [string, number][] = [];
  readonly importFns: Record<string, Fn> = {};
  /** Imports served by the helpers module (filled in at instantiation). */
  readonly helpers: HelperName[] = [];
  private readonly importIndex = new Map<string, number>();
  /** The run buffers of the current call, for imports that read random streams. */
  current: RunBuffers | undefined;
  /** An import holds data of this model (a RANDOM LOOKUP table), so its instance cannot serve another model. */
  bindsData = false;

  /**
   * The numbers this module's code reads from the literal pool, in order, from byte `poolBase`:
   * with them out of the code, a model edited only in its numbers compiles to the same bytes.
   */
  readonly literals: number[] = [];

  constructor(
    private readonly ir: ModelIR,
    private readonly layout: Layout,
    private readonly poolBase: number,
  ) {}

  type(params: readonly number[], results: readonly number[]): number {
    const key = `${params.join(',')}>${results.join(',')}`;
    let i = this.typeIndex.get(key);
    if (i === undefined) {
      i = this.types.length;
      this.types.push({ params, results });
      this.typeIndex.set(key, i);
    }
    return i;
  }

  /** The function index of an imported helper taking `arity` numbers (registered on first use). */
  private imported(name: string, arity: number, make: () => Fn): number {
    let i = this.importIndex.get(name);
    if (i === undefined) {
      i = this.imports.length;
      this.imports.push([name, this.type(Array<number>(arity).fill(F64), [F64])]);
      this.importFns[name] = make();
      this.importIndex.set(name, i);
    }
    return i;
  }

  private call(b: Bytes, name: string, arity: number, make: () => Fn): void {
    b.u8(OP.call).u32(this.imported(name, arity, make));
  }

  /** A call of one of the WebAssembly helpers (wasm-helpers.ts). */
  private callHelper(b: Bytes, name: HelperName): void {
    let i = this.importIndex.get(name);
    if (i === undefined) {
      i = this.imports.length;
      this.imports.push([name, this.type(HELPER_TYPES[name].params, HELPER_TYPES[name].results)]);
      this.helpers.push(name);
      this.importIndex.set(name, i);
    }
    b.u8(OP.call).u32(i);
  }

  /** Where the function being emitted computes its costly invariant calls once (see wasm-hoist.ts). */
  hoist: Hoisting | undefined;

  /**
   * Values the function being emitted has assigned, kept in locals: a later equation of the same
   * function reads its inputs from them instead of reloading them from memory.
   */
  forward: { next: number; readonly locals: Map<number, number> } | undefined;

  /** Pushes the value of `e`; locals 0, 1, 2 are t, dt and the step number k. */
  expr(b: Bytes, e: IExpr): void {
    const local = this.hoist?.local(e, (into, same) => this.compute(into, same));
    if (local === undefined) this.compute(b, e);
    else b.u8(OP.localGet).u32(local);
  }

  private compute(b: Bytes, e: IExpr): void {
    const x = (a: IExpr): void => this.expr(b, a);
    switch (e.k) {
      case 'num':
        b.u8(OP.i32Const).s32(0).u8(OP.f64Load).u32(3).u32(this.poolBase + 8 * this.literals.length);
        this.literals.push(e.v);
        return;
      case 'slot': {
        const l = this.forward?.locals.get(e.i);
        if (l !== undefined) b.u8(OP.localGet).u32(l);
        else b.u8(OP.i32Const).s32(0).u8(OP.f64Load).u32(3).u32(e.i * 8);
        return;
      }
      case 'time':
        b.u8(OP.localGet).u32(0);
        return;
      case 'dt':
        b.u8(OP.localGet).u32(1);
        return;
      case 'un':
        x(e.a);
        if (e.op === '-') b.u8(OP.f64Neg);
        else b.u8(OP.f64Const).f64(0).u8(OP.f64Eq).u8(OP.f64ConvertI32U);
        return;
      case 'bin': {
        const native = { '+': OP.f64Add, '-': OP.f64Sub, '*': OP.f64Mul, '/': OP.f64Div, '=': OP.f64Eq, '<>': OP.f64Ne, '<': OP.f64Lt, '<=': OP.f64Le, '>': OP.f64Gt, '>=': OP.f64Ge } as const;
        if (e.op === '^' || e.op === 'mod') {
          x(e.a), x(e.b);
          const name = e.op === '^' ? 'pow' : 'mod';
          this.call(b, name, 2, () => RUNTIME_FUNCTIONS[name]);
          return;
        }
        if (e.op === 'and' || e.op === 'or') {
          // Both sides are pure, so evaluating both gives what JavaScript's short circuit gives.
          x(e.a), b.u8(OP.f64Const).f64(0).u8(OP.f64Ne);
          x(e.b), b.u8(OP.f64Const).f64(0).u8(OP.f64Ne);
          b.u8(e.op === 'and' ? OP.i32And : OP.i32Or).u8(OP.f64ConvertI32U);
          return;
        }
        x(e.a), x(e.b);
        b.u8(native[e.op]);
        if (e.op !== '+' && e.op !== '-' && e.op !== '*' && e.op !== '/') b.u8(OP.f64ConvertI32U);
        return;
      }
      case 'if':
        // `c !== 0` is true for NaN, as f64.ne is.
        x(e.c), b.u8(OP.f64Const).f64(0).u8(OP.f64Ne);
        b.u8(OP.if).u8(F64);
        x(e.a);
        b.u8(OP.else);
        x(e.b);
        b.u8(OP.end);
        return;
      case 'fn':
        return this.fn(b, e);
      case 'nary': {
        // Math.min(a, b, c) equals min(min(a, b), c) for every input, NaN and −0 included.
        const op = { sum: OP.f64Add, prod: OP.f64Mul, min: OP.f64Min, max: OP.f64Max }[e.op];
        e.args.forEach((a, i) => (x(a), i > 0 && b.u8(op)));
        return;
      }
      case 'lookup':
        // The table's points are in memory, behind its descriptor: only its number is in the code.
        x(e.x);
        b.u8(OP.i32Const).s32(tableDescriptor(this.layout, e.table));
        this.callHelper(b, `lookup_${this.ir.tables[e.table]!.interpolation}`);
        return;
      case 'delay':
        x(e.delay), x(e.init);
        b.u8(OP.localGet).u32(0).u8(OP.localGet).u32(1).u8(OP.f64Const).f64(this.ir.sim.start);
        b.u8(OP.i32Const).s32(e.site).u8(OP.i32Const).s32(this.layout.header);
        this.callHelper(b, 'delay');
        return;
      case 'belt': {
        // (site, k, dt, index, numbers…): the same runtime function the other kernels call, on this run's state.
        b.u8(OP.f64Const).f64(e.site).u8(OP.localGet).u32(2).u8(OP.localGet).u32(1).u8(OP.f64Const).f64(e.index);
        e.args.forEach(x);
        const fn = RUNTIME_FUNCTIONS[BELT_FUNCTION[e.op]] as BeltFunction;
        this.call(b, `belt_${e.op.replace('-', '_')}_${e.args.length}`, 4 + e.args.length, () => beltImport(fn, e.args.length, () => this.current!));
        return;
      }
      case 'rand': {
        const dist = RANDOM[e.dist];
        const n = e.args.length;
        if (e.seed) {
          x(e.seed), b.u8(OP.f64Const).f64(e.element);
        } else b.u8(OP.f64Const).f64(e.site);
        b.u8(OP.localGet).u32(2);
        e.args.forEach(x);
        // A draw from a lookup table (RANDOM LOOKUP) has the table bound into its import.
        const table = e.table === undefined ? undefined : this.ir.tables[e.table]!;
        if (table) this.bindsData = true;
        const draw: Fn = table ? (u, min, max, shift, stretch) => RUNTIME_FUNCTIONS.randLookup(u, table.xs, table.ys, min!, max!, shift!, stretch!) : dist;
        const tag = table ? `lookup${e.table}` : e.dist;
        if (e.seed) {
          this.call(b, `seeded_${tag}_${n}`, n + 3, () => (seed: number, element: number, k: number, ...args: number[]) => draw(f.uniform01(f.streamForSeedArgument(seed, element), k), ...args));
        } else {
          this.call(b, `random_${tag}_${n}`, n + 2, () => (site: number, k: number, ...args: number[]) => draw(f.uniform01(this.current!.streams[site]!, k), ...args));
        }
        return;
      }
    }
  }

  private fn(b: Bytes, e: Extract<IExpr, { k: 'fn' }>): void {
    const native = { abs: OP.f64Abs, sqrt: OP.f64Sqrt, int: OP.f64Floor } as const;
    e.args.forEach((a) => this.expr(b, a));
    switch (e.fn) {
      case 'abs':
      case 'sqrt':
      case 'int':
        b.u8(native[e.fn]);
        return;
      case 'min':
      case 'max':
        for (let i = 1; i < e.args.length; i++) b.u8(e.fn === 'min' ? OP.f64Min : OP.f64Max);
        return;
      case 'step':
        b.u8(OP.localGet).u32(0).u8(OP.localGet).u32(1);
        this.call(b, 'step', 4, () => f.step);
        return;
      case 'ramp':
        b.u8(OP.localGet).u32(0);
        this.call(b, 'ramp', 4, () => f.ramp);
        return;
      case 'pulse':
        // The step's own time START + k·dt, computed exactly as the JavaScript kernel does.
        b.u8(OP.f64Const).f64(this.ir.sim.start).u8(OP.localGet).u32(2).u8(OP.localGet).u32(1).u8(OP.f64Mul).u8(OP.f64Add);
        b.u8(OP.localGet).u32(1);
        this.call(b, 'pulse', 5, () => f.pulse);
        return;
      default: {
        const fn = RUNTIME_FUNCTIONS[e.fn] as Fn;
        this.call(b, e.fn, e.args.length, () => fn);
      }
    }
  }

  /** `v[slot] = expr`; with overrides at `overrideBase`: `v[slot] = o[slot] === o[slot] ? o[slot] : expr`. */
  assign(b: Bytes, a: Assignment, overrideBase?: number): void {
    b.u8(OP.i32Const).s32(0);
    if (overrideBase !== undefined && a.overridable) {
      const at = overrideBase + a.slot * 8;
      b.u8(OP.i32Const).s32(0).u8(OP.f64Load).u32(3).u32(at).u8(OP.localTee).u32(3);
      b.u8(OP.localGet).u32(3).u8(OP.f64Eq).u8(OP.if).u8(F64).u8(OP.localGet).u32(3).u8(OP.else);
      this.expr(b, a.expr);
      b.u8(OP.end);
    } else this.expr(b, a.expr);
    if (this.forward) {
      const l = this.forward.next++;
      b.u8(OP.localTee).u32(l);
      this.forward.locals.set(a.slot, l);
    }
    b.u8(OP.f64Store).u32(3).u32(a.slot * 8);
  }

  /** `v[x] = …; v[x + 1] = …` as one f64x2 computation, when y is x one slot on (wasm-pairs.ts); false when not. */
  assignPair(b: Bytes, x: Assignment, y: Assignment): boolean {
    if (y.slot !== x.slot + 1 || x.overridable || y.overridable || !pairable(x.expr, y.expr, [x.slot, y.slot])) return false;
    b.u8(OP.i32Const).s32(0);
    emitPair(b, x.expr, y.expr, this);
    b.u8(OP.simd).u32(SIMD.v128Store).u32(3).u32(x.slot * 8);
    return true;
  }

  /** `d[s] = …; d[s + 1] = …` as one f64x2 computation, when y is x one slot on; false when not. */
  ratePair(b: Bytes, s: number, x: IExpr, y: IExpr): boolean {
    if (!pairable(x, y, [-1, -1])) return false;
    b.u8(OP.localGet).u32(3);
    emitPair(b, x, y, this);
    b.u8(OP.simd).u32(SIMD.v128Store).u32(3).u32(s * 8);
    return true;
  }

  /** Two neighbouring literal pool entries for a pair's numbers; their byte offset. */
  literalPair(x: number, y: number): number {
    const at = this.poolBase + 8 * this.literals.length;
    this.literals.push(x, y);
    return at;
  }

  /** `d[s] = derivative`, d at the byte offset held in local 3. */
  rate(b: Bytes, s: number, e: IExpr): void {
    b.u8(OP.localGet).u32(3);
    this.expr(b, e);
    b.u8(OP.f64Store).u32(3).u32(s * 8);
  }
}

export interface WasmKernel {
  readonly kernel: Kernel;
  /** The init module's bytes, then the step module's. */
  readonly bytes: Uint8Array;
}

/** Defined functions of a module being built; their indices follow the imported functions'. */
class Functions {
  readonly list: { type: number; locals: [number, number][]; body: Bytes }[] = [];
  constructor(private readonly imports: number) {}
  define(type: number, body: Bytes, locals: [number, number][] = []): number {
    return this.list.push({ type, locals, body }) - 1 + this.imports;
  }
}

/** A chunk function: its code and its f64 locals beyond the parameters (`scratch` of its own, then hoisted values). */
interface Chunk {
  readonly body: Bytes;
  readonly locals: [number, number][];
}

/**
 * Splits a program into functions of STATEMENTS_PER_FUNCTION statements. `writes` gives the slot
 * each item assigns (none for derivatives): a chunk may hoist calls reading only slots it does not
 * write, since no other code runs during its call.
 */
function chunk<T>(
  ir: ModelIR,
  em: Emitter,
  items: readonly T[],
  writes: (item: T) => number | undefined,
  scratch: number,
  emit: (b: Bytes, item: T, index: number) => void,
  options: { forward?: boolean; pair?: (b: Bytes, x: T, y: T, index: number) => boolean } = {},
): Chunk[] {
  const { forward = false, pair } = options;
  const out: Chunk[] = [];
  const firstLocal = 4; // after t, dt, k and either d (deriv) or the override scratch (init)
  for (let s = 0; s < items.length; s += STATEMENTS_PER_FUNCTION) {
    const end = Math.min(items.length, s + STATEMENTS_PER_FUNCTION);
    const written = new Uint8Array(ir.slots.length);
    for (let i = s; i < end; i++) {
      const slot = writes(items[i]!);
      if (slot !== undefined) written[slot] = 1;
    }
    // With forwarding, statement j of the chunk keeps its value in local firstLocal + j; hoisted values follow.
    const forwarded = forward ? end - s : 0;
    em.forward = forward ? { next: firstLocal, locals: new Map() } : undefined;
    const hoist = new Hoisting(firstLocal + forwarded, written);
    em.hoist = hoist;
    const main = new Bytes();
    for (let i = s; i < end; i++) {
      if (pair && i + 1 < end && pair(main, items[i]!, items[i + 1]!, i)) i++;
      else emit(main, items[i]!, i);
    }
    em.hoist = undefined;
    em.forward = undefined;
    const body = hoist.count === 0 ? main : hoist.prologue.bytes(main.view());
    const locals: [number, number][] = [];
    if (scratch + forwarded + hoist.count > 0) locals.push([scratch + forwarded + hoist.count, F64]);
    out.push({ body, locals });
  }
  return out;
}

/** A function calling each of `chunks` with its own first `params` parameters. */
function caller(chunks: readonly number[], params: number): Bytes {
  const b = new Bytes();
  for (const c of chunks) {
    for (let p = 0; p < params; p++) b.u8(OP.localGet).u32(p);
    b.u8(OP.call).u32(c);
  }
  return b;
}

/** The start-time program: `init(t, dt, k)`, run once per run; its literals from byte `poolBase`. */
function initModule(ir: ModelIR, layout: Layout, poolBase: number): { em: Emitter; bytes: Uint8Array } {
  const em = new Emitter(ir, layout, poolBase);
  const type = em.type([F64, F64, F64], []);
  // Code first: it registers the imports, whose count fixes the defined functions' indices.
  const bodies = chunk(ir, em, ir.initProgram, (a) => a.slot, 1, (b, a) => em.assign(b, a, layout.overrides));
  const fns = new Functions(em.imports.length);
  const init = fns.define(type, caller(bodies.map((c) => fns.define(type, c.body, c.locals)), 3));
  return { em, bytes: encodeModule({ types: em.types, imports: em.imports, functions: fns.list, memoryPages: 0, exports: [['init', init]] }) };
}

/** What runs at every step: `deriv(t, dt, k, d)` and the integrator's loops. */
function stepModule(ir: ModelIR, layout: Layout): { em: Emitter; bytes: Uint8Array } {
  const em = new Emitter(ir, layout, layout.literals);
  const type = em.type([F64, F64, F64, I32], []);
  // With SIMD, neighbouring equations of the same shape are computed two at a time (wasm-pairs.ts).
  const simd = hostHasSimd();
  const derivs = chunk(ir, em, ir.derivProgram, (a) => a.slot, 0, (b, a) => em.assign(b, a), { forward: true, ...(simd ? { pair: (b, x, y) => em.assignPair(b, x, y) } : {}) });
  const rates = chunk(ir, em, ir.derivatives, () => undefined, 0, (b, e, s) => em.rate(b, s, e), simd ? { pair: (b, x, y, s) => em.ratePair(b, s, x, y) } : {});
  const fns = new Functions(em.imports.length);
  const deriv = fns.define(type, caller([...derivs, ...rates].map((c) => fns.define(type, c.body, c.locals)), 4));
  const stateBytes = ir.nState * 8;
  const k = [layout.work, layout.work + stateBytes, layout.work + 2 * stateBytes, layout.work + 3 * stateBytes] as const;
  const loops: (readonly [string, number])[] = [];
  const define = (l: LoopFunction): void => void loops.push([l.name, fns.define(em.type(l.params, l.results), l.body, l.locals)]);
  const index = (name: string): number => loops.find(([n]) => n === name)![1];
  loopFunctions({ k, s0: layout.work + 4 * stateBytes, nState: ir.nState, nDynamic: ir.nDynamic, simd }).forEach(define);
  [recordFunction(), flushFunction(), captureFunction(ir, layout), releaseFunction(ir, layout), clampFunction(ir.nonNegative, simd)].forEach(define);
  define(saveFunction(index('record'), index('flush')));
  if (ir.stopAt === undefined) {
    const hasCapture = ir.previous.length > 0 || ir.delays.length > 0;
    const steps: StepFunctions = {
      deriv,
      checkSum: index('check_sum'),
      save: index('save'),
      euler: index('euler'),
      saveState: index('save_state'),
      stage: index('stage'),
      rk2: index('rk2'),
      rk4: index('rk4'),
      ...(hasCapture ? { capture: index('capture') } : {}),
      ...(ir.previous.length > 0 ? { release: index('release') } : {}),
      ...(ir.nonNegative.length > 0 ? { clamp: index('clamp') } : {}),
    };
    define(runSteps(steps, k));
  }
  return { em, bytes: encodeModule({ types: em.types, imports: em.imports, functions: fns.list, memoryPages: 0, exports: [['deriv', deriv], ...loops] }) };
}

/**
 * `capture(k)`: after a step's first evaluation, PREVIOUS inputs go to their pending values and
 * each DELAY input to its history at step k (found through the run header).
 */
function captureFunction(ir: ModelIR, layout: Layout): LoopFunction {
  const b = new Bytes();
  const [k, at, stride] = [0, 1, 2];
  ir.previous.forEach((p, i) => {
    b.u8(OP.i32Const).s32(0);
    b.u8(OP.i32Const).s32(0).u8(OP.f64Load).u32(3).u32(p.from * 8);
    b.u8(OP.f64Store).u32(3).u32(layout.pending + i * 8);
  });
  if (ir.delays.length > 0) {
    b.u8(OP.i32Const).s32(layout.header).u8(OP.i32Load).u32(2).u32(4).u8(OP.localSet).u32(stride);
    b.u8(OP.i32Const).s32(layout.header).u8(OP.i32Load).u32(2).u32(0);
    b.u8(OP.localGet).u32(k).u8(OP.i32Const).s32(3).u8(OP.i32Shl).u8(OP.i32Add).u8(OP.localSet).u32(at);
    ir.delays.forEach((d, i) => {
      if (i > 0) b.u8(OP.localGet).u32(at).u8(OP.localGet).u32(stride).u8(OP.i32Add).u8(OP.localSet).u32(at);
      b.u8(OP.localGet).u32(at);
      b.u8(OP.i32Const).s32(0).u8(OP.f64Load).u32(3).u32(d.input * 8);
      b.u8(OP.f64Store).u32(3).u32(0);
    });
  }
  return { name: 'capture', params: [I32], results: [], locals: [[2, I32]], body: b };
}

/** `release()`: after the state has advanced, PREVIOUS slots take their pending values. */
function releaseFunction(ir: ModelIR, layout: Layout): LoopFunction {
  const b = new Bytes();
  ir.previous.forEach((p, i) => {
    b.u8(OP.i32Const).s32(0);
    b.u8(OP.i32Const).s32(0).u8(OP.f64Load).u32(3).u32(layout.pending + i * 8);
    b.u8(OP.f64Store).u32(3).u32(p.to * 8);
  });
  return { name: 'release', params: [], results: [], locals: [], body: b };
}

/**
 * Compiled modules by content. Editing a model usually changes a number, which both modules read
 * from memory: their bytes come out the same, and their machine code, already optimised by
 * earlier runs, is reused. Kept: the last few (an init and a step module per model).
 */
const compiledModules = new Map<number, { readonly bytes: Uint8Array; readonly module: object }[]>();
const MODULES_KEPT = 8;
let modulesHeld = 0;

/** The whole 4-byte words of `a`, when it starts on a word boundary (module bytes do: they start their buffer). */
function wordsOf(a: Uint8Array): Int32Array | undefined {
  return a.byteOffset % 4 === 0 ? new Int32Array(a.buffer, a.byteOffset, a.length >> 2) : undefined;
}

// Both read the bytes four at a time where they can (a module is some 100 kB, seen at every edit).
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const wa = wordsOf(a);
  const wb = wordsOf(b);
  let i = 0;
  if (wa && wb) {
    for (let w = 0; w < wa.length; w++) if (wa[w] !== wb[w]) return false;
    i = wa.length * 4;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hashOf(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  const words = wordsOf(bytes);
  let i = 0;
  if (words) {
    for (let w = 0; w < words.length; w++) hash = Math.imul(hash ^ words[w]!, 0x01000193);
    i = words.length * 4;
  }
  for (; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash;
}

function compiledModule(wasm: Minimal, bytes: Uint8Array): object {
  const hash = hashOf(bytes);
  const same = compiledModules.get(hash)?.find((m) => sameBytes(m.bytes, bytes));
  if (same) {
    // Most recently used last, so the oldest is the first to go.
    compiledModules.delete(hash);
    compiledModules.set(hash, [same]);
    return same.module;
  }
  const module = new wasm.Module(bytes);
  if (modulesHeld >= MODULES_KEPT) {
    compiledModules.delete(compiledModules.keys().next().value!);
    modulesHeld = [...compiledModules.values()].reduce((n, list) => n + list.length, 0);
  }
  compiledModules.set(hash, [...(compiledModules.get(hash) ?? []), { bytes, module }]);
  modulesHeld++;
  return module;
}

let helpers: object | undefined;

/** The helpers module, compiled on first use (it is the same for every model). */
function helperImports(wasm: Minimal, memory: Memory, wanted: readonly HelperName[]): Record<string, unknown> {
  if (wanted.length === 0) return {};
  helpers ??= new wasm.Module(helperModule(0));
  const instance = new wasm.Instance(helpers, { rt: { mem: memory } });
  return Object.fromEntries(wanted.map((h) => [h, instance.exports[h]]));
}

/**
 * The instances of one pair of modules over one memory. Models differing only in their numbers
 * (an edit in the editor, a scenario) compile to the same modules, and their kernels share the
 * instances: each writes its own literal pool and tables into the memory when a run of it starts
 * after another's. Runs are synchronous, so kernels never interleave; sharing keeps the memory
 * and, above all, the functions the integrator calls the same from one edit to the next (new
 * functions at every edit made the integrator's optimised code start over).
 */
interface Instances {
  readonly memory: Memory;
  readonly exports: Record<string, unknown>;
  /** The emitters whose import functions the instances call (they read the run buffers from `current`). */
  readonly emitters: readonly Emitter[];
  /** The kernel whose numbers and tables the memory holds now. */
  owner: object | undefined;
}

const sharedInstances = new WeakMap<object, WeakMap<object, Instances>>();

function instancesOf(wasm: Minimal, init: { em: Emitter; module: object }, step: { em: Emitter; module: object }, bytes: number): Instances {
  const shareable = !init.em.bindsData && !step.em.bindsData;
  const known = shareable ? sharedInstances.get(step.module)?.get(init.module) : undefined;
  if (known) return known;
  const memory = new wasm.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
  const imports = (em: Emitter): object => ({ rt: { ...em.importFns, ...helperImports(wasm, memory, em.helpers), mem: memory } });
  const initInstance = new wasm.Instance(init.module, imports(init.em));
  const stepInstance = new wasm.Instance(step.module, imports(step.em));
  const instances: Instances = { memory, exports: { ...initInstance.exports, ...stepInstance.exports }, emitters: [init.em, step.em], owner: undefined };
  if (shareable) {
    let byInit = sharedInstances.get(step.module);
    if (!byInit) sharedInstances.set(step.module, (byInit = new WeakMap()));
    byInit.set(init.module, instances);
  }
  return instances;
}

/** Builds the modules and instantiates them over one memory; undefined where the host has no WebAssembly or refuses it. */
export function compileWasmKernel(ir: ModelIR): WasmKernel | undefined {
  const wasm = host();
  if (!wasm || usesJavaScriptOnly(ir)) return undefined;
  const layout = layoutOf(ir);
  // The step module first: its literals come first in the pool, the init module's after them.
  const step = stepModule(ir, layout);
  const init = initModule(ir, layout, layout.literals + 8 * step.em.literals.length);
  const literals = [...step.em.literals, ...init.em.literals];
  const data = dataLayoutOf(layout, ir, literals.length);
  if (data.bytes >= 2 ** 31) return undefined;
  try {
    const instances = instancesOf(wasm, { em: init.em, module: compiledModule(wasm, init.bytes) }, { em: step.em, module: compiledModule(wasm, step.bytes) }, data.bytes);
    const bytes = new Uint8Array(init.bytes.length + step.bytes.length);
    bytes.set(init.bytes);
    bytes.set(step.bytes, init.bytes.length);
    return { kernel: makeKernel(ir, instances, layout, data, literals), bytes };
  } catch {
    return undefined; // e.g. a browser main thread refusing a large synchronous compile
  }
}

function makeKernel(ir: ModelIR, instances: Instances, layout: Layout, data: DataLayout, literals: readonly number[]): Kernel {
  const { memory, exports, emitters } = instances;
  const use = (buffers: RunBuffers): void => {
    for (const em of emitters) em.current = buffers;
  };
  const self = {};
  /** Puts this model's numbers and tables in the memory, unless they are there already. */
  const claim = (): void => {
    if (instances.owner === self) return;
    if (!fits(memory, data.bytes)) throw new RangeError('The model\'s tables do not fit in memory.');
    writeData(memory.buffer, layout, data, literals, ir.tables);
    instances.owner = self;
  };
  const runInit = exports['init'] as (t: number, dt: number, k: number) => void;
  const runDeriv = exports['deriv'] as (t: number, dt: number, k: number, d: number) => void;
  const runSave = exports['save'] as (list: number, n: number, store: number, column: number, saved: number) => void;
  const runFlush = exports['flush'] as (n: number, rows: number, at: number, column: number, filled: number) => void;
  const runCapture = exports['capture'] as (k: number) => void;
  const runRelease = exports['release'] as () => void;
  const n = ir.slots.length;
  const nState = ir.nState;
  // Views of the memory, made again whenever it has grown (growing detaches the old buffer).
  let all = new Float64Array(0);
  let v = all;
  let o = all;
  let scratch = all;
  let ks: Float64Array[] = [];
  const views = (): void => {
    if (all.buffer === memory.buffer) return;
    all = new Float64Array(memory.buffer, 0, layout.work / 8 + 5 * nState);
    v = all.subarray(0, n);
    o = all.subarray(n, 2 * n);
    scratch = all.subarray(2 * n, 2 * n + nState);
    ks = [0, 1, 2, 3, 4].map((i) => all.subarray(2 * n + i * nState, 2 * n + (i + 1) * nState));
  };
  views();
  const inMemory = (a: Float64Array): boolean => a.buffer === memory.buffer;
  const stage = exports['stage'] as (h: number, k: number) => void;
  const ops: { -readonly [K in keyof IntegratorOps]: IntegratorOps[K] } = {
    checkSum: exports['check_sum'] as () => number,
    euler: exports['euler'] as (dt: number) => void,
    saveState: exports['save_state'] as () => void,
    stage: (h, which) => stage(h, ks[which - 1]!.byteOffset - ks[0]!.byteOffset),
    rk2: exports['rk2'] as (dt: number) => void,
    rk4: exports['rk4'] as (dt: number) => void,
  };
  const run = exports['run_steps'] as RunSteps | undefined;

  /**
   * Sets up the run's part of memory, growing it when needed: the DELAY histories, zeroed, with the
   * run header pointing at them, then the saved-slot list and the store. Without room for the
   * saved values the integrator records them itself; without room for the histories no run can.
   */
  const prepare = (shape: RunShape): Pick<Workspace, 'record' | 'store' | 'runSteps'> => {
    const count = shape.slots.length;
    const nSaved = shape.nSaved;
    const regions = runRegions(data, ir.delays.length, shape.steps, count, nSaved);
    if (regions.list >= 2 ** 31 || !fits(memory, regions.list)) throw new RangeError(`The run is too long to keep its ${ir.delays.length} DELAY histories in memory.`);
    const header = new Int32Array(memory.buffer, layout.header, 2);
    header[0] = regions.history;
    header[1] = regions.historyStride;
    new Float64Array(memory.buffer, regions.history, (regions.list - regions.history) / 8).fill(0);
    const stride = nSaved * 8;
    // The store, then the block of rows saves go through (see SAVE_BLOCK).
    const rowsEnd = regions.end + SAVE_BLOCK * count * 8;
    const recording = count > 0 && rowsEnd < 2 ** 31 && fits(memory, rowsEnd);
    const steps: Workspace['runSteps'] = run
      ? (start, dt, k0, n, saveStride, method, record) => run(start, dt, k0, n, saveStride, METHOD_CODE[method], regions.list, record && recording ? count : 0, regions.store, stride)
      : undefined;
    if (!recording) return steps ? { runSteps: steps } : {};
    new Int32Array(memory.buffer, regions.list, count).set(shape.slots);
    return {
      ...(steps ? { runSteps: steps } : {}),
      record: (saved) => runSave(regions.list, count, regions.store, stride, saved),
      store: (saved) => {
        const pending = saved % SAVE_BLOCK;
        if (pending > 0) runFlush(count, blockRows(regions.store, count, stride), regions.store + (saved - pending) * 8, stride, pending);
        // ArrayBuffer.slice copies without first zeroing a fresh buffer (measured twice as fast as Float64Array.slice).
        const out = new Float64Array(memory.buffer.slice(regions.store, regions.end));
        if (saved < nSaved) for (let c = 0; c < count; c++) out.fill(0, c * nSaved + saved, (c + 1) * nSaved);
        return out;
      },
    };
  };

  return {
    init(values, overrides, t, dt, buffers) {
      use(buffers);
      claim();
      views();
      const own = values === v;
      if (!own) v.set(values);
      o.set(overrides);
      runInit(t, dt, 0);
      if (!own) values.set(v);
    },
    deriv(values, t, dt, k, d, buffers) {
      use(buffers);
      const own = values === v;
      if (!own) {
        views();
        v.set(values);
      }
      const direct = inMemory(d);
      runDeriv(t, dt, k, direct ? d.byteOffset : scratch.byteOffset);
      if (!direct) d.set(scratch);
      if (!own) values.set(v);
    },
    capture(values, k) {
      if (values !== v) throw new Error('internal: a WebAssembly kernel runs only in its own workspace');
      runCapture(k);
    },
    release() {
      runRelease();
    },
    workspace(shape): Workspace {
      claim();
      const run = prepare(shape);
      views();
      all.fill(0, 0, n);
      all.fill(0, 2 * n);
      return { v, k1: ks[0]!, k2: ks[1]!, k3: ks[2]!, k4: ks[3]!, s0: ks[4]!, ops, keepsHistory: true, ...run };
    },
  };
}

type RunSteps = (start: number, dt: number, k0: number, count: number, stride: number, method: number, list: number, n: number, store: number, column: number) => number;

function fits(memory: Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}
