import type { Assignment, IExpr, ModelIR } from '../engine/src/ir/ir.js';
import { indexLiteral as ix } from '../engine/src/compile/literals.js';

/**
 * Emits a model's IR as a stand-alone C program: the "physical limit" our kernel is measured
 * against. It mirrors engine/src/sim/integrate.ts step for step (same evaluation order, same
 * Euler/RK4 formulas), so with -ffp-contract=off its results match ours bit for bit except where
 * libm and V8 differ in the last place (sin, exp, pow). Like the JavaScript code generator it emits
 * only slot numbers and canonical number literals, never text from the model.
 */

const CHUNK = 100;

/** A double literal that C parses as exactly this double (never an int: `1/2` must not truncate). */
export function cNumber(x: number): string {
  if (Number.isNaN(x)) return 'NAN';
  if (x === Infinity) return 'INFINITY';
  if (x === -Infinity) return '(-INFINITY)';
  if (Object.is(x, -0)) return '(-0.0)';
  const s = String(x);
  if (!/^-?[0-9]+(?:\.[0-9]+)?(?:e[+-][0-9]+)?$/.test(s)) throw new Error(`cannot emit number ${s}`);
  const d = /[.e]/.test(s) ? s : `${s}.0`;
  return x < 0 ? `(${d})` : d;
}

const LOOKUP = { continuous: 'lookup_continuous', extrapolate: 'lookup_extrapolate', discrete: 'lookup_discrete' } as const;
const MATH: Record<string, string> = {
  abs: 'fabs', exp: 'exp', ln: 'log', log10: 'log10', sqrt: 'sqrt', sin: 'sin', cos: 'cos', tan: 'tan', arcsin: 'asin', arccos: 'acos',
  arctan: 'atan', sinh: 'sinh', cosh: 'cosh', tanh: 'tanh', int: 'floor', round: 'js_round', mod: 'js_mod', min: 'js_min', max: 'js_max', safediv: 'safediv',
};
const CMP = { '=': '==', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const;

function expr(e: IExpr, ir: ModelIR): string {
  const x = (a: IExpr): string => expr(a, ir);
  switch (e.k) {
    case 'num': return cNumber(e.v);
    case 'slot': return `v[${ix(e.i)}]`;
    case 'time': return 't';
    case 'dt': return 'dt';
    case 'un': return e.op === '-' ? `(-${x(e.a)})` : `(${x(e.a)} == 0 ? 1.0 : 0.0)`;
    case 'bin':
      switch (e.op) {
        case '+': case '-': case '*': case '/': return `(${x(e.a)} ${e.op} ${x(e.b)})`;
        case '^': return `pow(${x(e.a)}, ${x(e.b)})`;
        case 'mod': return `js_mod(${x(e.a)}, ${x(e.b)})`;
        case 'and': return `(${x(e.a)} != 0 && ${x(e.b)} != 0 ? 1.0 : 0.0)`;
        case 'or': return `(${x(e.a)} != 0 || ${x(e.b)} != 0 ? 1.0 : 0.0)`;
        default: return `(${x(e.a)} ${CMP[e.op]} ${x(e.b)} ? 1.0 : 0.0)`;
      }
    case 'if': return `(${x(e.c)} != 0 ? ${x(e.a)} : ${x(e.b)})`;
    case 'fn': {
      const args = e.args.map(x);
      if (e.fn === 'step') return `sd_step(${args.join(', ')}, t, dt)`;
      if (e.fn === 'pulse') return `sd_pulse(${args.join(', ')}, START + k * dt, dt)`;
      if (e.fn === 'ramp') return `sd_ramp(${args.join(', ')}, t)`;
      return `${MATH[e.fn]!}(${args.join(', ')})`;
    }
    case 'nary': {
      const args = e.args.map(x);
      if (e.op === 'sum') return `(${args.join(' + ')})`;
      if (e.op === 'prod') return `(${args.join(' * ')})`;
      // Math.min(a, b, c) is min(min(a, b), c) for every input, NaN and -0 included.
      return args.slice(1).reduce((acc, a) => `js_${e.op}(${acc}, ${a})`, args[0]!);
    }
    case 'lookup': {
      const t = ir.tables[e.table]!;
      return `${LOOKUP[t.interpolation]}(X${ix(e.table)}, Y${ix(e.table)}, ${ix(t.xs.length)}, ${x(e.x)})`;
    }
    case 'delay': return `delay_output(H${ix(e.site)}, ${x(e.delay)}, v[${ix(e.init.i)}], t, START, dt)`;
    case 'rand': throw new Error('the C emitter does not support random functions');
    case 'vec': case 'vecpick': throw new Error('the C emitter does not support vector functions');
    case 'belt': throw new Error('the C emitter does not support conveyors and queues');
  }
}

function chunks(out: string[], name: string, params: string, lines: readonly string[]): string[] {
  const names: string[] = [];
  for (let s = 0; s < lines.length; s += CHUNK) {
    const fn = `${name}${ix(names.length)}`;
    names.push(fn);
    out.push(`__attribute__((noinline)) static void ${fn}(${params}) {`, ...lines.slice(s, s + CHUNK).map((l) => `  ${l}`), '}');
  }
  return names;
}

/** The C program: `prog reps out.bin euler|rk4` runs the model `reps` times, prints each run's nanoseconds, writes the last run's saved values. */
export function emitC(ir: ModelIR, record: readonly number[]): string {
  const { start, stop, dt, saveEvery } = ir.sim;
  const steps = Math.round((stop - start) / dt);
  const stride = Math.max(1, Math.round(saveEvery / dt));
  const nSaved = Math.floor(steps / stride) + 1;
  const nState = Math.max(1, ir.nState);
  const out: string[] = ['#include "runtime.h"', `#define NSLOTS ${ix(Math.max(1, ir.slots.length))}`, `#define NSTATE ${ix(nState)}`, `#define NREC ${ix(Math.max(1, record.length))}`, `#define NSAVED ${ix(nSaved)}`];
  out.push(`static const double START = ${cNumber(start)};`, `static const double DT = ${cNumber(dt)};`, `static const int STEPS = ${ix(steps)};`, `static const int STRIDE = ${ix(stride)};`);
  ir.tables.forEach((t, i) => out.push(`static const double X${ix(i)}[] = {${[...t.xs].map(cNumber).join(', ')}};`, `static const double Y${ix(i)}[] = {${[...t.ys].map(cNumber).join(', ')}};`));
  ir.delays.forEach((_, i) => out.push(`static double H${ix(i)}[${ix(steps + 1)}];`));
  out.push(`static double P[${ix(Math.max(1, ir.previous.length))}];`, `static const int REC[NREC] = {${record.length ? record.map(ix).join(', ') : '0'}};`);
  out.push(`static const int NONNEG[] = {${ir.nonNegative.length ? ir.nonNegative.map(ix).join(', ') : '-1'}};`, `static const int NNONNEG = ${ix(ir.nonNegative.length)};`);
  const assign = (a: Assignment): string => `v[${ix(a.slot)}] = ${expr(a.expr, ir)};`;
  const init = chunks(out, 'init', 'double *v, double t, double dt, int k', ir.initProgram.map(assign));
  const deriv = chunks(out, 'deriv', 'double *v, double t, double dt, int k', ir.derivProgram.map(assign));
  const rates = chunks(out, 'rate', 'double *v, double t, double dt, int k, double *d', ir.derivatives.map((e, s) => `d[${ix(s)}] = ${expr(e, ir)};`));
  const call = (names: string[], args: string): string => names.map((n) => `${n}(${args});`).join(' ');
  out.push(
    'static void eval(double *v, double t, double dt, int k, double *d) {', `  ${call(deriv, 'v, t, dt, k')} ${call(rates, 'v, t, dt, k, d')}`, '  (void)d;', '}',
    'static void capture(double *v, int k) {', ...ir.previous.map((p, i) => `  P[${ix(i)}] = v[${ix(p.from)}];`), ...ir.delays.map((d, i) => `  H${ix(i)}[k] = v[${ix(d.input)}];`), '  (void)v; (void)k;', '}',
    'static void release(double *v) {', ...ir.previous.map((p, i) => `  v[${ix(p.to)}] = P[${ix(i)}];`), '  (void)v;', '}',
    `static void run(int rk4, double *v, double *k1, double *k2, double *k3, double *k4, double *s0, double *outv) {`,
    `  const double dt = DT; int saved = 0; (void)k2; (void)k3; (void)k4; (void)s0;`,
    `  { const double t = START; const int k = 0; ${call(init, 'v, t, dt, k')} }`,
    '  for (int k = 0; k <= STEPS; k++) {',
    '    const double t = START + k * dt;',
    '    eval(v, t, dt, k, k1);',
    '    if (k % STRIDE == 0) { for (int c = 0; c < NREC; c++) outv[(size_t)c * NSAVED + saved] = v[REC[c]]; saved++; }',
    '    if (k == STEPS) break;',
    '    capture(v, k);',
    '    if (rk4) {',
    '      for (int s = 0; s < NSTATE; s++) s0[s] = v[s];',
    '      for (int s = 0; s < NSTATE; s++) v[s] = s0[s] + (dt / 2) * k1[s];',
    '      eval(v, t + dt / 2, dt, k, k2);',
    '      for (int s = 0; s < NSTATE; s++) v[s] = s0[s] + (dt / 2) * k2[s];',
    '      eval(v, t + dt / 2, dt, k, k3);',
    '      for (int s = 0; s < NSTATE; s++) v[s] = s0[s] + dt * k3[s];',
    '      eval(v, t + dt, dt, k, k4);',
    '      for (int s = 0; s < NSTATE; s++) v[s] = s0[s] + (dt / 6) * (k1[s] + 2 * k2[s] + 2 * k3[s] + k4[s]);',
    '    } else {',
    '      for (int s = 0; s < NSTATE; s++) v[s] = v[s] + dt * k1[s];',
    '    }',
    '    for (int i = 0; i < NNONNEG; i++) if (v[NONNEG[i]] < 0) v[NONNEG[i]] = 0;',
    '    release(v);',
    '  }',
    '}',
    'int main(int argc, char **argv) { return bench_main(argc, argv, NSLOTS, NSTATE, (size_t)NREC * NSAVED, run); }',
  );
  if (ir.nState === 0) out.unshift('/* no state */');
  return out.join('\n') + '\n';
}
