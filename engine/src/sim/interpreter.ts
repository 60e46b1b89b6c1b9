import type { IExpr, ModelIR, RandomDist } from '../ir/ir.js';
import type { BinOp } from '../check/model.js';
import { RUNTIME_FUNCTIONS as F, VECTOR_FUNCTIONS } from '../runtime/index.js';
import type { VectorCache } from '../runtime/vector.js';
import type { Kernel, RunBuffers } from './kernel.js';
import { BELT_FUNCTION, type BeltFunction } from '../runtime/belts.js';


/**
 * The reference interpreter: evaluates the IR trees directly. Slow but obviously faithful, it is
 * the oracle the generated kernel is tested against. Operations mirror codegen one for one
 * (same helpers, same association order) so results agree bit for bit.
 */
export function interpretKernel(ir: ModelIR): Kernel {
  const START = ir.sim.start;
  const caches: VectorCache[] = Array.from({ length: ir.vectorSites }, () => []);
  const ev = (e: IExpr, v: Float64Array, t: number, dt: number, k: number, b: RunBuffers): number => {
    const r = (x: IExpr): number => ev(x, v, t, dt, k, b);
    switch (e.k) {
      case 'num':
        return e.v;
      case 'slot':
        return v[e.i]!;
      case 'time':
        return t;
      case 'dt':
        return dt;
      case 'un':
        return e.op === '-' ? -r(e.a) : r(e.a) === 0 ? 1 : 0;
      case 'bin':
        return applyBinary(e.op, r(e.a), r(e.b));
      case 'if':
        return r(e.c) !== 0 ? r(e.a) : r(e.b);
      case 'fn': {
        const a = e.args.map(r);
        switch (e.fn) {
          case 'step': return F.step(a[0]!, a[1]!, t, dt);
          case 'pulse': return F.pulse(a[0]!, a[1]!, a[2]!, START + k * dt, dt);
          case 'ramp': return F.ramp(a[0]!, a[1]!, a[2]!, t);
          case 'safediv': return F.safediv(a[0]!, a[1]!, a[2]!);
          case 'mod': return F.mod(a[0]!, a[1]!);
          case 'min': return Math.min(...a);
          case 'max': return Math.max(...a);
          default: return (F[e.fn] as (x: number) => number)(a[0]!);
        }
      }
      case 'nary': {
        let acc = r(e.args[0]!);
        for (let i = 1; i < e.args.length; i++) {
          const x = r(e.args[i]!);
          acc = e.op === 'sum' ? acc + x : e.op === 'prod' ? acc * x : e.op === 'min' ? Math.min(acc, x) : Math.max(acc, x);
        }
        return acc;
      }
      case 'lookup': {
        const table = ir.tables[e.table]!;
        const x = r(e.x);
        if (table.interpolation === 'continuous') return F.lookupContinuous(table.xs, table.ys, x);
        if (table.interpolation === 'extrapolate') return F.lookupExtrapolate(table.xs, table.ys, x);
        return F.lookupDiscrete(table.xs, table.ys, x);
      }
      case 'rand': {
        const stream = e.seed ? F.streamForSeedArgument(r(e.seed), e.element) : b.streams[e.site]!;
        if (e.table !== undefined) {
          const [min, max, shift, stretch] = e.args.map(r) as [number, number, number, number];
          return F.randLookup(F.uniform01(stream, k), ir.tables[e.table]!.xs, ir.tables[e.table]!.ys, min, max, shift, stretch);
        }
        return draw(e.dist, F.uniform01(stream, k), e.args.map(r));
      }
      case 'vecpick':
        return F.vectorPick(caches[e.site]!, e.index, v[e.after.i]!);
      case 'vec':
        return VECTOR_FUNCTIONS[e.op](caches[e.site]!, e.index, e.vectors.map((x) => x.map(r)), e.args.map(r));
      case 'delay':
        return F.delayOutput(b.history[e.site]!, r(e.delay), v[e.init.i]!, t, START, dt);
      case 'belt':
        return (F[BELT_FUNCTION[e.op]] as BeltFunction)(b.belts[e.site]!, k, dt, e.index, ...e.args.map(r));
    }
  };

  return {
    init(v, o, t, dt, b) {
      for (const a of ir.initProgram) {
        const over = o[a.slot]!;
        v[a.slot] = a.overridable && over === over ? over : ev(a.expr, v, t, dt, 0, b);
      }
    },
    deriv(v, t, dt, k, d, b) {
      for (const a of ir.derivProgram) v[a.slot] = ev(a.expr, v, t, dt, k, b);
      ir.derivatives.forEach((e, s) => (d[s] = ev(e, v, t, dt, k, b)));
    },
    capture(v, k, b) {
      ir.previous.forEach((p, i) => (b.pending[i] = v[p.from]!));
      ir.delays.forEach((dl, i) => (b.history[i]![k] = v[dl.input]!));
    },
    release(v, b) {
      ir.previous.forEach((p, i) => (v[p.to] = b.pending[i]!));
    },
  };
}

function applyBinary(op: BinOp, a: number, c: number): number {
  switch (op) {
    case '+': return a + c;
    case '-': return a - c;
    case '*': return a * c;
    case '/': return a / c;
    case '^': return F.pow(a, c);
    case 'mod': return F.mod(a, c);
    case 'and': return a !== 0 && c !== 0 ? 1 : 0;
    case 'or': return a !== 0 || c !== 0 ? 1 : 0;
    case '=': return a === c ? 1 : 0;
    case '<>': return a !== c ? 1 : 0;
    case '<': return a < c ? 1 : 0;
    case '<=': return a <= c ? 1 : 0;
    case '>': return a > c ? 1 : 0;
    case '>=': return a >= c ? 1 : 0;
  }
}

function draw(dist: RandomDist, u: number, a: readonly number[]): number {
  switch (dist) {
    case 'uniform': return F.randUniform(u, a[0]!, a[1]!);
    case 'normal': return F.randNormal(u, a[0]!, a[1]!);
    case 'lognormal': return F.randLognormal(u, a[0]!, a[1]!);
    case 'exprnd': return F.randExponential(u, a[0]!);
    case 'poisson': return F.randPoisson(u, a[0]!);
    case 'truncnormal': return F.randTruncNormal(u, a[0]!, a[1]!, a[2]!, a[3]!);
    case 'truncexp': return F.randTruncExponential(u, a[0]!, a[1]!, a[2]!, a[3]!);
    case 'truncpoisson': return F.randTruncPoisson(u, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!);
    case 'trunclognormal': return F.randTruncLognormal(u, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
    case 'triangular': return F.randTriangular(u, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!);
    case 'gamma': return F.randTruncGamma(u, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!);
    case 'beta': return F.randTruncBeta(u, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
    case 'weibull': return F.randTruncWeibull(u, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!);
    case 'binomial': return F.randTruncBinomial(u, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
    case 'negbinomial': return F.randTruncNegativeBinomial(u, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
    case 'lookup': return Number.NaN; // drawn with its table above
  }
}
