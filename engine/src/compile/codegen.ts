import type { Assignment, IExpr, ModelIR } from '../ir/ir.js';
import { BELT_FUNCTION } from '../runtime/belts.js';
import { RUNTIME_FUNCTIONS } from '../runtime/index.js';
import type { Kernel } from '../sim/kernel.js';
import { withRunWorkspace, type GeneratedKernel } from './js-run.js';
import { indexLiteral as ix, numberLiteral as lit } from './literals.js';

/**
 * Turns the IR into JavaScript source: straight-line assignments over one Float64Array, split into
 * functions small enough for V8 to optimise. Only fixed templates, slot numbers and canonical
 * number literals are emitted; lookup tables are passed in as typed arrays, never as text.
 */
const STATEMENTS_PER_FUNCTION = 400;

const LOOKUP_FUNCTION = { continuous: 'lookupContinuous', extrapolate: 'lookupExtrapolate', discrete: 'lookupDiscrete' } as const;
/** The runtime function behind each random distribution (the WebAssembly kernel calls the same ones). */
export const RANDOM_FUNCTION = {
  uniform: 'randUniform',
  normal: 'randNormal',
  lognormal: 'randLognormal',
  exprnd: 'randExponential',
  poisson: 'randPoisson',
  truncnormal: 'randTruncNormal',
  truncexp: 'randTruncExponential',
  truncpoisson: 'randTruncPoisson',
  trunclognormal: 'randTruncLognormal',
  triangular: 'randTriangular',
  gamma: 'randTruncGamma',
  beta: 'randTruncBeta',
  weibull: 'randTruncWeibull',
  binomial: 'randTruncBinomial',
  negbinomial: 'randTruncNegativeBinomial',
  lookup: 'randLookup',
} as const;
const VECTOR_FUNCTION = { sortorder: 'vectorSortOrder', rank: 'vectorRank', reorder: 'vectorReorder', select: 'vectorSelect', elmmap: 'vectorElmMap', lookup: 'vectorLookup', allocate: 'allocateByPriority', invert: 'invertMatrix' } as const;
const COMPARISON = { '=': '===', '<>': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const;

export function generateKernelSource(ir: ModelIR): string {
  const out: string[] = ["'use strict';"];
  out.push(`const { ${Object.keys(RUNTIME_FUNCTIONS).join(', ')} } = rt.fns;`);
  ir.tables.forEach((_, i) => out.push(`const X${ix(i)} = rt.xs[${ix(i)}], Y${ix(i)} = rt.ys[${ix(i)}];`));
  const expr = (e: IExpr): string => emitExpr(e, ir.tables);
  out.push(`const START = ${lit(ir.sim.start)};`);
  // Each vector call remembers its last results (checked against its inputs), in rt.vc.
  out.push('const VC = rt.vc;');

  const initCalls = chunked(out, 'i', ir.initProgram, 'v, o, t, dt, k, H, S, B', (a) =>
    a.overridable ? `v[${ix(a.slot)}] = o[${ix(a.slot)}] === o[${ix(a.slot)}] ? o[${ix(a.slot)}] : ${expr(a.expr)};` : `v[${ix(a.slot)}] = ${expr(a.expr)};`,
  );
  const derivCalls = chunked(out, 'd', ir.derivProgram, 'v, t, dt, k, H, S, B', (a) => `v[${ix(a.slot)}] = ${expr(a.expr)};`);
  const rates = ir.derivatives.map((e, s) => ({ slot: s, expr: e, overridable: false }));
  const rateCalls = chunked(out, 'r', rates, 'v, t, dt, k, d', (a) => `d[${ix(a.slot)}] = ${expr(a.expr)};`);
  out.push(
    'function init(v, o, t, dt, b) {',
    '  const H = b.history, S = b.streams, B = b.belts, k = 0;',
    ...initCalls.map((c) => `  ${c}(v, o, t, dt, k, H, S, B);`),
    '}',
    'function deriv(v, t, dt, k, d, b) {',
    '  const H = b.history, S = b.streams, B = b.belts;',
    ...derivCalls.map((c) => `  ${c}(v, t, dt, k, H, S, B);`),
    ...rateCalls.map((c) => `  ${c}(v, t, dt, k, d);`),
    '}',
    'function capture(v, k, b) {',
    '  const p = b.pending, H = b.history;',
    ...ir.previous.map((p, i) => `  p[${ix(i)}] = v[${ix(p.from)}];`),
    ...ir.delays.map((d, i) => `  H[${ix(i)}][k] = v[${ix(d.input)}];`),
    '}',
    'function release(v, b) {',
    '  const p = b.pending;',
    ...ir.previous.map((p, i) => `  v[${ix(p.to)}] = p[${ix(i)}];`),
    '}',
    ...runFunction(ir),
    'return { init, deriv, capture, release, run };',
  );
  return out.join('\n');
}

/** Up to this many dynamic slots, the NaN check is one sum written out; beyond, a loop. */
const CHECK_WRITTEN_OUT = 64;

/**
 * `run(w, b, start, dt, k0, count, stride, method, store, nSaved, slots)`: steps k0 … k0+count−1
 * in one call, each exactly as the integrator takes it (sim/integrate.ts: evaluate, check, save,
 * capture, advance by Euler, RK2 or RK4 with the same formulas in the same order, clamp, release),
 * the saves (k a multiple of `stride`) going to `store` column by column unless it is null.
 * Returns the steps completed: fewer when the check flagged the next one, left to the integrator
 * to evaluate again and report. One call per run keeps every call inside this module, where V8
 * sees a single kernel: the integrator's calls into many models' kernels cost more than a small
 * model's arithmetic.
 */
function runFunction(ir: ModelIR): string[] {
  const n = ix(ir.nState);
  const loop = (body: string): string => `for (let s = 0; s < ${n}; s++) ${body};`;
  const check =
    ir.nDynamic === 0
      ? ['const c = 0;']
      : ir.nDynamic <= CHECK_WRITTEN_OUT
        ? [`const c = ${Array.from({ length: ir.nDynamic }, (_, s) => `v[${ix(s)}]`).join(' + ')};`]
        : [
            'let c0 = 0, c1 = 0, c2 = 0, c3 = 0, s = 0;',
            `for (; s + 3 < ${ix(ir.nDynamic)}; s += 4) { c0 += v[s]; c1 += v[s + 1]; c2 += v[s + 2]; c3 += v[s + 3]; }`,
            `for (; s < ${ix(ir.nDynamic)}; s++) c0 += v[s];`,
            'const c = c0 + c1 + c2 + c3;',
          ];
  return [
    'function run(w, b, start, dt, k0, count, stride, method, store, nSaved, slots) {',
    '  const v = w.v, k1 = w.k1, k2 = w.k2, k3 = w.k3, k4 = w.k4, s0 = w.s0, nRec = store === null ? 0 : slots.length;',
    '  for (let j = 0; j < count; j++) {',
    '    const k = k0 + j, t = start + k * dt;',
    '    deriv(v, t, dt, k, k1, b);',
    ...check.map((l) => `    ${l}`),
    '    if (c - c !== 0) return j;',
    '    if (nRec > 0 && k % stride === 0) for (let i = 0, at = k / stride; i < nRec; i++, at += nSaved) store[at] = v[slots[i]];',
    '    capture(v, k, b);',
    '    if (method === 0) {',
    `      ${loop('v[s] = v[s] + dt * k1[s]')}`,
    '    } else {',
    `      ${loop('s0[s] = v[s]')}`,
    '      if (method === 1) {',
    `        ${loop('v[s] = s0[s] + dt * k1[s]')}`,
    '        deriv(v, t + dt, dt, k, k2, b);',
    `        ${loop('v[s] = s0[s] + (dt / 2) * (k1[s] + k2[s])')}`,
    '      } else {',
    `        ${loop('v[s] = s0[s] + (dt / 2) * k1[s]')}`,
    '        deriv(v, t + dt / 2, dt, k, k2, b);',
    `        ${loop('v[s] = s0[s] + (dt / 2) * k2[s]')}`,
    '        deriv(v, t + dt / 2, dt, k, k3, b);',
    `        ${loop('v[s] = s0[s] + dt * k3[s]')}`,
    '        deriv(v, t + dt, dt, k, k4, b);',
    `        ${loop('v[s] = s0[s] + (dt / 6) * (k1[s] + 2 * k2[s] + 2 * k3[s] + k4[s])')}`,
    '      }',
    '    }',
    ...ir.nonNegative.map((s) => `    if (v[${ix(s)}] < 0) v[${ix(s)}] = 0;`),
    '    release(v, b);',
    '  }',
    '  return count;',
    '}',
  ];
}

/** Emits the assignments as functions of at most STATEMENTS_PER_FUNCTION lines; returns their names. */
function chunked(out: string[], prefix: string, program: readonly Assignment[], params: string, line: (a: Assignment) => string): string[] {
  const names: string[] = [];
  for (let start = 0; start < program.length; start += STATEMENTS_PER_FUNCTION) {
    const name = `${prefix}${ix(names.length)}`;
    names.push(name);
    out.push(`function ${name}(${params}) {`);
    for (const a of program.slice(start, start + STATEMENTS_PER_FUNCTION)) out.push(`  ${line(a)}`);
    out.push('}');
  }
  return names;
}

function emitExpr(e: IExpr, tables: ModelIR['tables']): string {
  const expr = (x: IExpr): string => emitExpr(x, tables);
  switch (e.k) {
    case 'num':
      return lit(e.v);
    case 'slot':
      return `v[${ix(e.i)}]`;
    case 'time':
      return 't';
    case 'dt':
      return 'dt';
    case 'un':
      return e.op === '-' ? `(-${expr(e.a)})` : `(${expr(e.a)} === 0 ? 1 : 0)`;
    case 'bin': {
      const a = expr(e.a);
      const b = expr(e.b);
      switch (e.op) {
        case '+':
        case '-':
        case '*':
        case '/':
          return `(${a} ${e.op} ${b})`;
        case '^':
          return `pow(${a}, ${b})`;
        case 'mod':
          return `mod(${a}, ${b})`;
        case 'and':
          return `(${a} !== 0 && ${b} !== 0 ? 1 : 0)`;
        case 'or':
          return `(${a} !== 0 || ${b} !== 0 ? 1 : 0)`;
        default:
          return `(${a} ${COMPARISON[e.op]} ${b} ? 1 : 0)`;
      }
    }
    case 'if':
      return `(${expr(e.c)} !== 0 ? ${expr(e.a)} : ${expr(e.b)})`;
    case 'fn': {
      const args = e.args.map(expr);
      switch (e.fn) {
        case 'step':
          return `step(${args.join(', ')}, t, dt)`;
        case 'pulse':
          return `pulse(${args.join(', ')}, START + k * dt, dt)`; // the step's own time: RK sub-steps add exactly the volume
        case 'ramp':
          return `ramp(${args.join(', ')}, t)`;
        default:
          return `${e.fn}(${args.join(', ')})`;
      }
    }
    case 'nary': {
      const args = e.args.map(expr);
      if (e.op === 'sum') return `(${args.join(' + ')})`;
      if (e.op === 'prod') return `(${args.join(' * ')})`;
      return `${e.op}(${args.join(', ')})`;
    }
    case 'lookup':
      return `${LOOKUP_FUNCTION[tables[e.table]!.interpolation]}(X${ix(e.table)}, Y${ix(e.table)}, ${expr(e.x)})`;
    case 'rand': {
      const stream = e.seed ? `streamForSeedArgument(${expr(e.seed)}, ${ix(e.element)})` : `S[${ix(e.site)}]`;
      if (e.table !== undefined) return `randLookup(uniform01(${stream}, k), X${ix(e.table)}, Y${ix(e.table)}, ${e.args.map(expr).join(', ')})`;
      return `${RANDOM_FUNCTION[e.dist]}(uniform01(${stream}, k), ${e.args.map(expr).join(', ')})`;
    }
    case 'vecpick':
      return `vectorPick(VC[${ix(e.site)}], ${ix(e.index)}, v[${ix(e.after.i)}])`;
    case 'vec':
      return `${VECTOR_FUNCTION[e.op]}(VC[${ix(e.site)}], ${e.index < 0 ? '-1' : ix(e.index)}, [${e.vectors.map((v) => `[${v.map(expr).join(', ')}]`).join(', ')}], [${e.args.map(expr).join(', ')}])`;
    case 'delay':
      return `delayOutput(H[${ix(e.site)}], ${expr(e.delay)}, v[${ix(e.init.i)}], t, START, dt)`;
    case 'belt':
      return `${BELT_FUNCTION[e.op]}(B[${ix(e.site)}], k, dt, ${ix(e.index)}${e.args.map((a) => `, ${expr(a)}`).join('')})`;
  }
}

/** Compiles the IR into a kernel. The source is evaluated with `new Function`, seeing only `rt`. */
export function compileKernel(ir: ModelIR): { kernel: Kernel; source: string } {
  const source = generateKernelSource(ir);
  const factory = new Function('rt', source) as (rt: unknown) => GeneratedKernel;
  const vc = Array.from({ length: ir.vectorSites }, () => []);
  const generated = factory({ fns: RUNTIME_FUNCTIONS, xs: ir.tables.map((t) => t.xs), ys: ir.tables.map((t) => t.ys), vc });
  return { kernel: withRunWorkspace(ir, generated), source };
}
