import type { Assignment, IExpr, ModelIR, RandomDist } from '../ir/ir.js';
import { RUNTIME_FUNCTIONS } from '../runtime/index.js';
import { RANDOM_FUNCTION } from './codegen.js';
import * as f from '../runtime/functions.js';
import type { IntegratorOps, Kernel, RunBuffers, Workspace } from '../sim/kernel.js';
import { Bytes, encodeModule, F64, I32, OP, type FuncType } from './wasm-encode.js';
import { eulerSpan, loopFunctions } from './wasm-loops.js';
import { BELT_FUNCTION, type BeltFunction } from '../runtime/belts.js';

/**
 * Compiles the IR to a WebAssembly kernel: every slot is an f64 in linear memory at slot·8, each
 * equation straight-line code that loads and stores slots. +, −, ×, ÷, √, |x|, floor, min and max
 * are WebAssembly instructions with exactly JavaScript's IEEE results; everything else calls the
 * very functions the JavaScript kernel and the interpreter call, so all three agree bit for bit.
 * Only numbers reach the module: slot offsets, literals and indices of our own import table.
 */

/** Statements per WebAssembly function: small enough for the optimising tier to take each quickly. */
const STATEMENTS_PER_FUNCTION = 2000;

type Fn = (...args: number[]) => number;

const RANDOM = Object.fromEntries(
  Object.entries(RANDOM_FUNCTION).map(([dist, name]) => [dist, (RUNTIME_FUNCTIONS as unknown as Record<string, Fn>)[name]!]),
) as Record<RandomDist, Fn>;

/** IR the WebAssembly kernel does not emit: whole-vector functions keep their caches in JavaScript. */
function usesJavaScriptOnly(ir: ModelIR): boolean {
  let found = false;
  const visit = (e: IExpr): void => {
    if (found) return;
    if (e.k === 'vec' || e.k === 'vecpick') {
      found = true;
      return;
    }
    for (const child of childrenOf(e)) visit(child);
  };
  for (const a of [...ir.initProgram, ...ir.derivProgram]) visit(a.expr);
  for (const d of ir.derivatives) visit(d);
  return found;
}

function childrenOf(e: IExpr): readonly IExpr[] {
  switch (e.k) {
    case 'un': return [e.a];
    case 'bin': return [e.a, e.b];
    case 'if': return [e.c, e.a, e.b];
    case 'fn': case 'nary': return e.args;
    case 'lookup': return [e.x];
    case 'rand': return [...e.args, ...(e.seed ? [e.seed] : [])];
    case 'delay': return [e.delay, e.init];
    case 'belt': return [...e.args, ...e.after];
    case 'vec': return [...e.vectors.flat(), ...e.args];
    case 'vecpick': return [e.after];
    default: return [];
  }
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
  Memory: new (limits: { initial: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
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
  private readonly importIndex = new Map<string, number>();
  /** The run buffers of the current call, for imports that read DELAY history and random streams. */
  current: RunBuffers | undefined;

  constructor(private readonly ir: ModelIR) {}

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

  /** Pushes the value of `e`; locals 0, 1, 2 are t, dt and the step number k. */
  expr(b: Bytes, e: IExpr): void {
    const x = (a: IExpr): void => this.expr(b, a);
    switch (e.k) {
      case 'num':
        b.u8(OP.f64Const).f64(e.v);
        return;
      case 'slot':
        b.u8(OP.i32Const).s32(0).u8(OP.f64Load).u32(3).u32(e.i * 8);
        return;
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
      case 'lookup': {
        const table = this.ir.tables[e.table]!;
        const lookup = { continuous: f.lookupContinuous, extrapolate: f.lookupExtrapolate, discrete: f.lookupDiscrete }[table.interpolation];
        x(e.x);
        this.call(b, `lookup${e.table}`, 1, () => (v: number) => lookup(table.xs, table.ys, v));
        return;
      }
      case 'delay': {
        b.u8(OP.f64Const).f64(e.site);
        x(e.delay), x(e.init);
        b.u8(OP.localGet).u32(0).u8(OP.localGet).u32(1);
        const start = this.ir.sim.start;
        this.call(b, 'delay', 5, () => (site: number, delay: number, init: number, t: number, dt: number) => f.delayOutput(this.current!.history[site]!, delay, init, t, start, dt));
        return;
      }
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
    b.u8(OP.f64Store).u32(3).u32(a.slot * 8);
  }

  /** `d[s] = derivative`, d at the byte offset held in local 3. */
  rate(b: Bytes, s: number, e: IExpr): void {
    b.u8(OP.localGet).u32(3);
    this.expr(b, e);
    b.u8(OP.f64Store).u32(3).u32(s * 8);
  }
}

/** Byte offsets of the parts of linear memory. */
interface Layout {
  readonly overrides: number;
  readonly work: number;
  readonly bytes: number;
}

function layoutOf(ir: ModelIR): Layout {
  const n = ir.slots.length;
  const overrides = n * 8;
  const work = overrides + n * 8;
  return { overrides, work, bytes: work + 5 * ir.nState * 8 };
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

function chunk<T>(items: readonly T[], emit: (b: Bytes, item: T, index: number) => void): Bytes[] {
  const out: Bytes[] = [];
  for (let s = 0; s < items.length; s += STATEMENTS_PER_FUNCTION) {
    const b = new Bytes();
    for (let i = s; i < Math.min(items.length, s + STATEMENTS_PER_FUNCTION); i++) emit(b, items[i]!, i);
    out.push(b);
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

/** The start-time program: `init(t, dt, k)`, run once per run. */
function initModule(ir: ModelIR, layout: Layout, pages: number): { em: Emitter; bytes: Uint8Array } {
  const em = new Emitter(ir);
  const type = em.type([F64, F64, F64], []);
  // Code first: it registers the imports, whose count fixes the defined functions' indices.
  const bodies = chunk(ir.initProgram, (b, a) => em.assign(b, a, layout.overrides));
  const fns = new Functions(em.imports.length);
  const init = fns.define(type, caller(bodies.map((b) => fns.define(type, b, [[1, F64]])), 3));
  return { em, bytes: encodeModule({ types: em.types, imports: em.imports, functions: fns.list, memoryPages: pages, exports: [['init', init]] }) };
}

/** What runs at every step: `deriv(t, dt, k, d)` and the integrator's loops. */
function stepModule(ir: ModelIR, layout: Layout, pages: number): { em: Emitter; bytes: Uint8Array } {
  const em = new Emitter(ir);
  const type = em.type([F64, F64, F64, I32], []);
  const derivs = chunk(ir.derivProgram, (b, a) => em.assign(b, a));
  const rates = chunk(ir.derivatives, (b, e, s) => em.rate(b, s, e));
  const fns = new Functions(em.imports.length);
  const deriv = fns.define(type, caller([...derivs, ...rates].map((b) => fns.define(type, b)), 4));
  const stateBytes = ir.nState * 8;
  const loops = loopFunctions({
    k: [layout.work, layout.work + stateBytes, layout.work + 2 * stateBytes, layout.work + 3 * stateBytes],
    s0: layout.work + 4 * stateBytes,
    nState: ir.nState,
    nDynamic: ir.nDynamic,
  }).map((l) => [l.name, fns.define(em.type(l.params, l.results), l.body, l.locals)] as const);
  const index = (name: string): number => loops.find(([n]) => n === name)![1];
  if (ir.previous.length === 0 && ir.delays.length === 0 && ir.stopAt === undefined) {
    const span = eulerSpan({ deriv, checkSum: index('check_sum'), euler: index('euler') }, layout.work, ir.nonNegative);
    loops.push([span.name, fns.define(em.type(span.params, span.results), span.body, span.locals)]);
  }
  return { em, bytes: encodeModule({ types: em.types, imports: em.imports, functions: fns.list, memoryPages: pages, exports: [['deriv', deriv], ...loops] }) };
}

/**
 * Compiled step modules by content. Editing a model usually changes a constant, which only the
 * init module holds (equations read constants from memory): the step module's bytes come out the
 * same, and its machine code, already optimised by earlier runs, is reused.
 */
const stepModules = new Map<number, { readonly bytes: Uint8Array; readonly module: object }[]>();
const STEP_MODULES_KEPT = 4;
let stepModulesHeld = 0;

function compiledStepModule(wasm: Minimal, bytes: Uint8Array): object {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  const same = stepModules.get(hash)?.find((m) => m.bytes.length === bytes.length && m.bytes.every((x, i) => x === bytes[i]));
  if (same) return same.module;
  const module = new wasm.Module(bytes);
  if (stepModulesHeld >= STEP_MODULES_KEPT) {
    stepModules.delete(stepModules.keys().next().value!); // the oldest
    stepModulesHeld = [...stepModules.values()].reduce((n, list) => n + list.length, 0);
  }
  stepModules.set(hash, [...(stepModules.get(hash) ?? []), { bytes, module }]);
  stepModulesHeld++;
  return module;
}

/** Builds the modules and instantiates them over one memory; undefined where the host has no WebAssembly or refuses it. */
export function compileWasmKernel(ir: ModelIR): WasmKernel | undefined {
  const wasm = host();
  if (!wasm || usesJavaScriptOnly(ir)) return undefined;
  const layout = layoutOf(ir);
  if (layout.bytes >= 2 ** 31) return undefined;
  const pages = Math.ceil(layout.bytes / 65536) + 1;
  const init = initModule(ir, layout, pages);
  const step = stepModule(ir, layout, pages);
  try {
    const memory = new wasm.Memory({ initial: pages });
    const initInstance = new wasm.Instance(new wasm.Module(init.bytes), { rt: { ...init.em.importFns, mem: memory } });
    const stepInstance = new wasm.Instance(compiledStepModule(wasm, step.bytes), { rt: { ...step.em.importFns, mem: memory } });
    const bytes = new Uint8Array(init.bytes.length + step.bytes.length);
    bytes.set(init.bytes);
    bytes.set(step.bytes, init.bytes.length);
    return { kernel: makeKernel(ir, [init.em, step.em], layout, memory, { ...initInstance.exports, ...stepInstance.exports }), bytes };
  } catch {
    return undefined; // e.g. a browser main thread refusing a large synchronous compile
  }
}

function makeKernel(ir: ModelIR, emitters: readonly Emitter[], layout: Layout, memory: { readonly buffer: ArrayBuffer }, exports: Record<string, unknown>): Kernel {
  const use = (buffers: RunBuffers): void => {
    for (const em of emitters) em.current = buffers;
  };
  const runInit = exports['init'] as (t: number, dt: number, k: number) => void;
  const runDeriv = exports['deriv'] as (t: number, dt: number, k: number, d: number) => void;
  const n = ir.slots.length;
  const nState = ir.nState;
  const all = new Float64Array(memory.buffer, 0, layout.bytes / 8);
  const v = all.subarray(0, n);
  const o = all.subarray(n, 2 * n);
  const scratch = all.subarray(2 * n, 2 * n + nState);
  const inMemory = (a: Float64Array): boolean => a.buffer === memory.buffer;
  const previousFrom = Int32Array.from(ir.previous, (p) => p.from);
  const previousTo = Int32Array.from(ir.previous, (p) => p.to);
  const delayInput = Int32Array.from(ir.delays, (d) => d.input);
  const ks = [0, 1, 2, 3, 4].map((i) => all.subarray(2 * n + i * nState, 2 * n + (i + 1) * nState));
  const stage = exports['stage'] as (h: number, k: number) => void;
  const ops: { -readonly [K in keyof IntegratorOps]: IntegratorOps[K] } = {
    checkSum: exports['check_sum'] as () => number,
    euler: exports['euler'] as (dt: number) => void,
    saveState: exports['save_state'] as () => void,
    stage: (h, which) => stage(h, ks[which - 1]!.byteOffset - ks[0]!.byteOffset),
    rk2: exports['rk2'] as (dt: number) => void,
    rk4: exports['rk4'] as (dt: number) => void,
  };
  const span = exports['euler_span'] as ((start: number, dt: number, k0: number, count: number) => number) | undefined;
  if (span) ops.eulerSpan = span;
  return {
    init(values, overrides, t, dt, buffers) {
      use(buffers);
      const own = values === v;
      if (!own) v.set(values);
      o.set(overrides);
      runInit(t, dt, 0);
      if (!own) values.set(v);
    },
    deriv(values, t, dt, k, d, buffers) {
      use(buffers);
      const own = values === v;
      if (!own) v.set(values);
      const direct = inMemory(d);
      runDeriv(t, dt, k, direct ? d.byteOffset : scratch.byteOffset);
      if (!direct) d.set(scratch);
      if (!own) values.set(v);
    },
    capture(values, k, buffers) {
      for (let i = 0; i < previousFrom.length; i++) buffers.pending[i] = values[previousFrom[i]!]!;
      for (let i = 0; i < delayInput.length; i++) buffers.history[i]![k] = values[delayInput[i]!]!;
    },
    release(values, buffers) {
      for (let i = 0; i < previousTo.length; i++) values[previousTo[i]!] = buffers.pending[i]!;
    },
    workspace(): Workspace {
      all.fill(0, 0, n);
      all.fill(0, 2 * n);
      return { v, k1: ks[0]!, k2: ks[1]!, k3: ks[2]!, k4: ks[3]!, s0: ks[4]!, ops };
    },
  };
}
