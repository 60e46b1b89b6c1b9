import type { DiagnosticSink, SourceSpan } from '../../diagnostics.js';
import type { ConveyorDecl, Expr, LeakDecl, VarDecl } from '../../language/ast.js';
import { child, type XmlElement } from '../xml.js';

/**
 * XMILE conveyors and queues (1.0 §3.7.1–3.7.3, §4.2.1, §4.3) to our AST and back. A stock's
 * `<conveyor>` gives its transit time (`<len>`), capacity, inflow limit, sample and arrest; its
 * first outflow is the end of the belt and the others are leakages, whose `<eqn>` (or `<leak>`)
 * is the leak fraction; `exponential_leak` on the conveyor makes every leakage of it exponential.
 * `<queue/>` makes a stock a queue and `<overflow/>` a flow its overflow. Options we do not
 * simulate (discrete conveyors, batch integrity, one batch at a time, leaking whole units) are
 * reported as warnings, never run silently as something else.
 */

type Equation = (e: XmlElement, owner: string) => Expr | undefined;

export interface StockBelt {
  readonly conveyor?: ConveyorDecl;
  readonly queue?: { readonly span: SourceSpan };
  /** `exponential_leak="true"`: the conveyor's leakages leak a fraction per time unit. */
  readonly exponential: boolean;
}

/** What a flow's `<leak>` gives, before its conveyor says whether it is exponential. */
export type LeakWithoutKind = Omit<LeakDecl, 'kind'>;

const at = (e: XmlElement): SourceSpan => ({ start: { line: e.line, column: e.column, offset: 0 }, end: { line: e.line, column: e.column + 1, offset: 0 } });

function flag(e: XmlElement, name: string): boolean {
  return (e.attributes.get(name) ?? '').trim().toLowerCase() === 'true';
}

/** The `<conveyor>` or `<queue/>` of a `<stock>` (nothing for an ordinary stock). */
export function readStockBelt(stock: XmlElement, owner: string, equation: Equation, sink: DiagnosticSink): StockBelt {
  const queue = child(stock, 'queue');
  const c = child(stock, 'conveyor');
  if (!c) return { exponential: false, ...(queue ? { queue: { span: at(queue) } } : {}) };
  const expr = (name: string): Expr | undefined => {
    const el = child(c, name);
    return el && el.text.trim() !== '' ? equation(el, owner) : undefined;
  };
  const unsupported: [string, string][] = [
    ['discrete', 'a discrete conveyor (moving whole batches); it runs here as a continuous one'],
    ['batch_integrity', 'taking only whole batches from the queue before it; here it takes parts of batches too'],
    ['one_at_a_time', 'taking one batch per time step from the queue before it; here it takes as many as it has room for'],
  ];
  for (const [name, what] of unsupported) {
    if (flag(c, name)) sink.warning('conveyor', at(c), `Conveyor "${owner}" is ${what}, so its numbers can differ from Stella's.`, owner);
  }
  const transitTime = expr('len');
  const capacity = expr('capacity');
  const inflowLimit = expr('in_limit');
  const sample = expr('sample');
  const arrest = expr('arrest');
  const conveyor: ConveyorDecl = {
    ...(transitTime ? { transitTime } : {}),
    ...(capacity ? { capacity } : {}),
    ...(inflowLimit ? { inflowLimit } : {}),
    ...(arrest ? { arrest } : {}),
    ...(sample ? { sample } : {}),
    span: at(c),
  };
  return { conveyor, exponential: flag(c, 'exponential_leak'), ...(queue ? { queue: { span: at(queue) } } : {}) };
}

export interface FlowBelt {
  /** A leakage: its fraction (from `<leak>` or the flow's `<eqn>`) and zone; `equation` is then not the flow's. */
  readonly leak?: LeakWithoutKind;
  readonly overflow?: { readonly span: SourceSpan };
}

/** `<leak/>` (the fraction in `<eqn>`) or `<leak>fraction</leak>`, with `leak_start`/`leak_end`; `<overflow/>`. */
export function readFlowBelt(flow: XmlElement, owner: string, equation: Equation, sink: DiagnosticSink): FlowBelt {
  const overflow = child(flow, 'overflow');
  const leak = child(flow, 'leak');
  const out: { -readonly [K in keyof FlowBelt]: FlowBelt[K] } = {};
  if (overflow && overflow.text.trim().toLowerCase() !== 'false') out.overflow = { span: at(overflow) };
  if (!leak || leak.text.trim().toLowerCase() === 'false') return out;
  if (child(flow, 'leak_integers')) sink.warning('conveyor', at(leak), `Leakage "${owner}" leaks whole units only in the file; here it leaks fractions of them too, so its numbers can differ from Stella's.`, owner);
  const eqn = child(flow, 'eqn');
  const source = leak.text.trim() !== '' && leak.text.trim().toLowerCase() !== 'true' ? leak : eqn;
  const value = source && source.text.trim() !== '' ? equation(source, owner) : undefined;
  if (!value) {
    sink.error('conveyor', at(leak), `Leakage "${owner}" has no leak fraction: give it an <eqn> (the fraction of what enters the conveyor that leaks).`, owner);
    return out;
  }
  const bound = (name: string, fallback: number): number => {
    const raw = flow.attributes.get(name);
    const x = raw === undefined ? fallback : Number(raw);
    return Number.isFinite(x) ? x : fallback;
  };
  const start = bound('leak_start', 0);
  const end = bound('leak_end', 1);
  out.leak = { value, ...(start !== 0 || end !== 1 ? { zone: { start, end, span: at(leak) } } : {}), span: at(leak) };
  return out;
}

/**
 * After every variable is read: each conveyor's outflows after the first are its leakages (the
 * fraction in their equation when they have no `<leak>` mark), exponential where the conveyor says
 * so; the first outflow is computed by the conveyor, so an equation it has is dropped (as Stella does).
 */
export function linkConveyors(variables: VarDecl[], exponential: ReadonlySet<ConveyorDecl>, sink: DiagnosticSink): VarDecl[] {
  const index = new Map(variables.map((v, i) => [v.name.key, i]));
  const replace = (key: string, change: (v: VarDecl) => VarDecl): void => {
    const i = index.get(key);
    if (i !== undefined && variables[i]!.kind === 'flow') variables[i] = change(variables[i]!);
  };
  for (const stock of variables) {
    if (stock.kind !== 'stock' || !stock.conveyor) continue;
    const kind: LeakDecl['kind'] = exponential.has(stock.conveyor) ? 'rate' : 'fraction';
    const marked = (key: string): boolean => variables[index.get(key) ?? -1]?.leak !== undefined;
    const exit = stock.outflows.findIndex((ref) => !marked(ref.key));
    stock.outflows.forEach((ref, i) => {
      replace(ref.key, (f) => {
        if (f.leak) return { ...f, leak: { ...f.leak, kind } };
        if (i === exit) {
          if (!f.equation && !f.valueList && f.elementEquations.length === 0) return f;
          sink.warning('conveyor', f.span, `"${f.name.text}" is what reaches the end of conveyor "${stock.name.text}", which computes it: its equation in the file is not used (as in Stella).`, f.name.text);
          const { equation: _e, valueList: _v, ...rest } = f;
          return { ...rest, elementEquations: [] };
        }
        if (!f.equation) return f; // reported by the checker: a second outflow that is not a leakage
        const { equation, ...rest } = f;
        return { ...rest, leak: { kind, value: equation, span: f.span } };
      });
    });
  }
  return variables;
}

// ---- export -------------------------------------------------------------------------------

/** `<options>` for the header: what Stella needs to be told a model uses. */
export function beltOptions(variables: readonly VarDecl[]): string[] {
  const conveyors = variables.filter((v) => v.conveyor);
  const queues = variables.filter((v) => v.queue);
  if (conveyors.length === 0 && queues.length === 0) return [];
  const attrs = (pairs: [string, boolean][]): string => pairs.filter(([, on]) => on).map(([name]) => ` ${name}="true"`).join('');
  const lines = ['    <options>'];
  if (conveyors.length) lines.push(`      <uses_conveyor${attrs([['arrest', conveyors.some((v) => v.conveyor!.arrest)], ['leak', variables.some((v) => v.leak)]])}/>`);
  if (queues.length) lines.push(`      <uses_queue${attrs([['overflow', variables.some((v) => v.overflow)]])}/>`);
  lines.push('    </options>');
  return lines;
}

/**
 * The outflows of a stock in XMILE's order: a conveyor's end of the belt first, then its leakages
 * in the order listed (which is their priority).
 */
export function xmileOutflows(v: VarDecl, variables: readonly VarDecl[]): VarDecl['outflows'] {
  if (!v.conveyor) return v.outflows;
  const leaks = (key: string): boolean => variables.some((f) => f.name.key === key && f.leak);
  return [...v.outflows.filter((f) => !leaks(f.key)), ...v.outflows.filter((f) => leaks(f.key))];
}

/** The `<conveyor>` or `<queue/>` lines of a stock (written where `<non_negative/>` would be). */
export function stockBeltLines(v: VarDecl, variables: readonly VarDecl[], expr: (e: Expr) => string): string[] {
  if (v.queue) return ['<queue/>'];
  const c = v.conveyor;
  if (!c) return [];
  const exponential = v.outflows.some((ref) => variables.find((f) => f.name.key === ref.key)?.leak?.kind === 'rate');
  const lines = [`<conveyor${exponential ? ' exponential_leak="true"' : ''}>`];
  const element = (tag: string, e: Expr | undefined): void => {
    if (e) lines.push(`  <${tag}>${expr(e)}</${tag}>`);
  };
  element('len', c.transitTime);
  element('capacity', c.capacity);
  element('in_limit', c.inflowLimit);
  element('sample', c.sample);
  element('arrest', c.arrest);
  lines.push('</conveyor>');
  return lines;
}

/** Attributes of a leakage's `<flow>` tag (its zone). */
export function flowBeltAttributes(v: VarDecl): string {
  const z = v.leak?.zone;
  return z ? ` leak_start="${z.start}" leak_end="${z.end}"` : '';
}

/** A leakage's `<leak/>` mark (its fraction is its `<eqn>`); an overflow's `<overflow/>`. */
export function flowBeltLines(v: VarDecl): string[] {
  const lines: string[] = [];
  if (v.leak) lines.push('<leak/>');
  if (v.overflow) lines.push('<overflow/>');
  return lines;
}
