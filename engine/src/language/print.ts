import type { DimensionDecl, Expr, ModelAst, NameRef, SimSpecDecl, SubscriptItem, VarDecl } from './ast.js';

/**
 * Writes a model AST as `.cwm` text that parses back to the same model: used to save imported
 * XMILE/Vensim models in our own language. Names that are not plain words are quoted.
 */
export function printModel(ast: ModelAst): string {
  const out: string[] = [];
  if (ast.title !== undefined || ast.doc !== undefined) {
    out.push(`model ${quote(ast.title ?? '')}`);
    if (ast.doc) out.push(`  doc: ${docText(ast.doc, '  ')}`);
    out.push('');
  }
  if (ast.sim) out.push(...simulation(ast.sim), '');
  for (const d of ast.dimensions) out.push(...dimension(d));
  if (ast.dimensions.length) out.push('');
  for (const v of ast.variables) out.push(...variable(v), '');
  return `${out.join('\n').trimEnd()}\n`;
}

const PLAIN_NAME = /^[\p{L}_$£€][\p{L}\p{N}_$£€]*$/u;
const RESERVED = new Set(['if', 'then', 'else', 'and', 'or', 'not', 'mod']);

export function printName(name: string): string {
  return PLAIN_NAME.test(name) && !RESERVED.has(name.toLowerCase()) ? name : quote(name);
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\s*\n\s*/g, ' ')}"`;
}

function docText(doc: string, indent: string): string {
  if (!doc.includes('\n') || doc.includes('"""')) return quote(doc);
  return `"""\n${doc
    .split('\n')
    .map((l) => `${indent}  ${l}`)
    .join('\n')}\n${indent}  """`;
}

function simulation(sim: SimSpecDecl): string[] {
  const out = ['simulation'];
  if (sim.start) out.push(`  start: ${printExpr(sim.start)}`);
  if (sim.stop) out.push(`  stop: ${printExpr(sim.stop)}`);
  if (sim.dt) out.push(`  dt: ${printExpr(sim.dt)}`);
  if (sim.saveEvery) out.push(`  save every: ${printExpr(sim.saveEvery)}`);
  if (sim.stopAt) out.push(`  stop at: ${printName(sim.stopAt.text)}`);
  if (sim.method) out.push(`  method: ${sim.method.value}`);
  if (sim.timeUnit) out.push(`  time unit: ${printName(sim.timeUnit.value)}`);
  if (sim.seed) out.push(`  seed: ${printExpr(sim.seed)}`);
  return out;
}

function dimension(d: DimensionDecl): string[] {
  const list = (m: NameRef): string => {
    const elements = d.mapLists?.find((l) => l.to === m.key)?.elements;
    return elements ? `(${printName(m.text)}: ${elements.map((e) => element(e.text)).join(', ')})` : printName(m.text);
  };
  const maps = d.mapsTo?.length ? ` -> ${d.mapsTo.map(list).join(', ')}` : '';
  const out = [`dimension ${printName(d.name.text)}: ${d.elements.map((e) => element(e.text)).join(', ')}${maps}`];
  if (d.doc) out.push(`  doc: ${docText(d.doc, '  ')}`);
  return out;
}

/** Element names like 65-69 or 90+ are written as they are; anything that could be misread is quoted. */
function element(text: string): string {
  return /^(?:[\p{L}\p{N}_]+(?: [\p{L}\p{N}_]+)*[+!]?|\d+-\d+)$/u.test(text) ? text : quote(text);
}

function subscripts(items: readonly SubscriptItem[]): string {
  return `[${items.map((s) => (s.text === '*' ? '*' : element(s.text))).join(', ')}]`;
}

function names(list: readonly NameRef[]): string {
  return list.map((n) => printName(n.text)).join(', ');
}

function variable(v: VarDecl): string[] {
  let head = `${v.kind} ${printName(v.name.text)}`;
  if (v.dims.length) head += `[${names(v.dims)}]`;
  if (v.units) head += ` [${v.units.text}]`;
  if (v.equation) head += ` = ${printExpr(v.equation)}`;
  else if (v.valueList) head += ` = ${v.valueList.rows.map((row) => row.map((e) => printExpr(e)).join(', ')).join('; ')}`;
  const out = [head];
  if (v.inflows.length) out.push(`  inflow: ${names(v.inflows)}`);
  if (v.outflows.length) out.push(`  outflow: ${names(v.outflows)}`);
  if (v.nonNegative) out.push('  non-negative');
  out.push(...beltLines(v));
  for (const e of v.elementEquations) out.push(`  ${subscripts(e.subscripts)} = ${printExpr(e.equation)}`);
  const points = (xs: readonly number[], ys: readonly number[]): string => xs.map((x, i) => `(${number(x)}, ${number(ys[i]!)})`).join(', ');
  // A graph bound to a data table is written with its binding, never with the points read from it.
  if (v.graph && !v.data) out.push(`  points: ${points(v.graph.xs, v.graph.ys)}`);
  for (const g of v.data ? [] : v.elementGraphs ?? []) out.push(`  ${subscripts(g.subscripts)} points: ${points(g.xs, g.ys)}`);
  if (v.data) {
    out.push(`  data: ${quote(v.data.table.text)}`);
    if (v.data.x) out.push(`  data x: ${quote(v.data.x.text)}`);
    if (v.data.y) out.push(`  data y: ${quote(v.data.y.text)}`);
    if (v.data.where.length) out.push(`  data where: ${v.data.where.map((w) => `${quote(w.column.text)} = ${quote(w.value.text)}`).join(', ')}`);
  }
  const interpolation = v.graph?.interpolation ?? v.elementGraphs?.[0]?.interpolation ?? v.data?.interpolation ?? 'continuous';
  if (interpolation !== 'continuous') out.push(`  interpolation: ${interpolation}`);
  if (v.indicator?.target) out.push(`  target: ${printExpr(v.indicator.target)}`);
  if (v.indicator?.better) out.push(`  better: ${v.indicator.better.value}`);
  if (v.indicator?.amber) out.push(`  amber: ${printExpr(v.indicator.amber)}`);
  if (v.doc) out.push(`  doc: ${docText(v.doc, '  ')}`);
  return out;
}

/** Conveyor and queue properties of a stock; leakage and overflow of a flow. */
function beltLines(v: VarDecl): string[] {
  const out: string[] = [];
  const c = v.conveyor;
  if (c) {
    out.push('  conveyor');
    if (c.transitTime) out.push(`  transit time: ${printExpr(c.transitTime)}`);
    if (c.capacity) out.push(`  capacity: ${printExpr(c.capacity)}`);
    if (c.inflowLimit) out.push(`  inflow limit: ${printExpr(c.inflowLimit)}`);
    if (c.arrest) out.push(`  arrest: ${printExpr(c.arrest)}`);
    if (c.sample) out.push(`  sample: ${printExpr(c.sample)}`);
  }
  if (v.queue) out.push('  queue');
  if (v.leak) {
    out.push(`  leak ${v.leak.kind}: ${printExpr(v.leak.value)}`);
    if (v.leak.zone) out.push(`  leak zone: ${number(v.leak.zone.start)}, ${number(v.leak.zone.end)}`);
  }
  if (v.overflow) out.push('  overflow');
  return out;
}

function number(x: number): string {
  if (x === Number.POSITIVE_INFINITY) return 'INF';
  if (x === Number.NEGATIVE_INFINITY) return '-INF';
  return String(x);
}

const PRECEDENCE: Record<string, number> = { or: 1, and: 2, '=': 3, '<>': 3, '<': 4, '<=': 4, '>': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, mod: 6, '^': 8 };
const UNARY = 7;
const PRIMARY = 9;

/** An expression with just the parentheses its meaning needs. */
export function printExpr(e: Expr, min = 0): string {
  const wrap = (prec: number, text: string): string => (prec < min ? `(${text})` : text);
  switch (e.kind) {
    case 'number':
      return e.value < 0 ? wrap(UNARY, number(e.value)) : number(e.value);
    case 'ref':
      return printName(e.name.text) + (e.subscripts ? subscripts(e.subscripts) : '');
    case 'call':
      return `${printName(e.name.text)}(${e.args.map((a) => printExpr(a)).join(', ')})`;
    case 'unary': {
      const inner = printExpr(e.arg, UNARY);
      const operand = inner.startsWith('-') ? `(${inner})` : inner; // never write "--x"
      return wrap(UNARY, e.op === 'not' ? `not ${operand}` : `${e.op}${operand}`);
    }
    case 'binary': {
      const p = PRECEDENCE[e.op]!;
      if (e.op === '^') return wrap(p, `${printExpr(e.left, PRIMARY)} ^ ${printExpr(e.right, UNARY)}`);
      return wrap(p, `${printExpr(e.left, p)} ${e.op} ${printExpr(e.right, p + 1)}`);
    }
    case 'if':
      return wrap(0.5, `if ${printExpr(e.cond)} then ${printExpr(e.then)} else ${printExpr(e.else)}`);
  }
}
