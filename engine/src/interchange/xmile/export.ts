import type { DiagramItem, DimensionDecl, Expr, ModelAst, NameRef, VarDecl } from '../../language/ast.js';
import { printExpr } from '../../language/print.js';
import { mappedElementOf } from '../../language/mapping.js';
import { rewriteExpr } from '../../language/rewrite.js';
import { foldConstant } from '../../check/checker.js';
import { elementKey } from '../../names.js';
import { beltOptions, flowBeltAttributes, flowBeltLines, stockBeltLines, xmileOutflows } from './belts.js';

/**
 * A model AST → an XMILE 1.0 document that Stella/ithink and our importer read back as the same
 * model. Equations are written in XMILE syntax (which our expression syntax is a subset of).
 */
export function exportXmile(ast: ModelAst): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"${ast.sim?.stopAt || ast.variables.some((v) => v.kind === 'const' || v.indicator) ? ' xmlns:cwb="https://commissioning-workbench.org/xmile"' : ''}>`,
    '  <header>',
    '    <vendor>Commissioning Workbench</vendor>',
    '    <product version="0.1.0" lang="en">Commissioning Workbench</product>',
    ...(ast.title ? [`    <name>${escapeText(ast.title)}</name>`] : []),
    ...beltOptions(ast.variables),
    '  </header>',
  ];
  const sim = ast.sim;
  const method = sim?.method?.value ?? 'euler';
  const attrs = [`method="${method === 'rk4' ? 'RK4' : method === 'rk2' ? 'RK2' : 'Euler'}"`];
  if (sim?.timeUnit) attrs.push(`time_units="${escapeAttr(sim.timeUnit.value)}"`);
  // Our extension (XMILE has none for it): the run ends when TIME reaches this variable's value.
  if (sim?.stopAt) attrs.push(`cwb:stop_at="${escapeAttr(sim.stopAt.text)}"`);
  out.push(`  <sim_specs ${attrs.join(' ')}>`);
  // XMILE wants plain numbers here; our settings are constant expressions such as 1/4.
  const value = (e: Expr | undefined, fallback: number): string => String(e ? (foldConstant(e) ?? fallback) : fallback);
  out.push(`    <start>${value(sim?.start, 0)}</start>`);
  out.push(`    <stop>${value(sim?.stop, 10)}</stop>`);
  // Stella writes a step like 1/7 as its reciprocal; do so when its decimal is long and the
  // reciprocal gives back exactly the same dt (0.25 stays 0.25).
  const dt = sim?.dt ? (foldConstant(sim.dt) ?? 1) : 1;
  const per = Math.round(1 / dt);
  out.push(dt < 1 && per > 1 && 1 / per === dt && String(dt).length > 8 ? `    <dt reciprocal="true">${per}</dt>` : `    <dt>${dt}</dt>`);
  if (sim?.saveEvery) out.push(`    <save_step>${value(sim.saveEvery, 1)}</save_step>`);
  out.push('  </sim_specs>');
  if (ast.dimensions.length) {
    out.push('  <dimensions>', ...ast.dimensions.flatMap(dimension), '  </dimensions>');
  }
  out.push('  <model>');
  if (ast.doc) out.push(`    <doc>${escapeText(ast.doc)}</doc>`);
  out.push('    <variables>', ...ast.variables.flatMap((v) => variable(v, ast)), '    </variables>');
  if (ast.diagram?.length) out.push('    <views>', '      <view>', ...ast.diagram.flatMap(diagramItem), '      </view>', '    </views>');
  out.push('  </model>', '</xmile>');
  return `${out.join('\n')}\n`;
}

function dimension(d: DimensionDecl): string[] {
  return [`    <dim name="${escapeAttr(d.name.text)}">`, ...d.elements.map((e) => `      <elem name="${escapeAttr(e.text)}"/>`), '    </dim>'];
}

const TAGS = { stock: 'stock', flow: 'flow', aux: 'aux', const: 'aux', graph: 'aux' } as const;

function variable(v: VarDecl, ast: ModelAst): string[] {
  // A graph with no input of its own is a model-level <gf>; one with an input is an aux with a <gf>.
  const tag = v.kind === 'graph' && !v.equation && v.elementEquations.length === 0 && !v.elementGraphs?.length ? 'gf' : TAGS[v.kind];
  const gfType = tag === 'gf' && v.graph && v.graph.interpolation !== 'continuous' ? ` type="${v.graph.interpolation}"` : '';
  const constant = v.kind === 'const' ? ' cwb:kind="const"' : '';
  const out = [`      <${tag} name="${escapeAttr(v.name.text)}"${gfType}${constant}${indicatorAttributes(v)}${flowBeltAttributes(v)}>`];
  const inner = (...lines: string[]): number => out.push(...lines.map((line) => `        ${line}`));
  if (v.doc) inner(`<doc>${escapeText(v.doc)}</doc>`);
  if (v.dims.length) {
    inner('<dimensions>');
    for (const d of v.dims) inner(`  <dim name="${escapeAttr(d.text)}"/>`);
    inner('</dimensions>');
  }
  // XMILE has no dimension mappings: with any, arrays are written element by element, explicitly.
  const mapped = ast.dimensions.some((d) => d.mapsTo?.length);
  const perElement = v.dims.length > 0 && (mapped || v.valueList !== undefined || v.elementEquations.length > 0 || (v.elementGraphs?.length ?? 0) > 0);
  if (v.equation && !perElement) inner(`<eqn>${expr(v.equation)}</eqn>`);
  // A leakage's fraction is its <eqn> (apply-to-all: XMILE has no leak fraction per element).
  if (v.leak) inner(`<eqn>${expr(v.leak.value)}</eqn>`);
  if (perElement) {
    // XMILE arrays are apply-to-all or list every element; write every element, explicitly.
    for (const { names, equation } of elementEquations(v, ast)) {
      inner(`<element subscript="${escapeAttr(names.join(', '))}">`);
      if (equation) inner(`  <eqn>${expr(equation)}</eqn>`);
      const own = v.elementGraphs?.find((g) => g.subscripts.every((s, d) => elementKey(s.text.replace(/^.*\./, '')) === elementKey(names[d]!)));
      if (own) inner(...graphLines(own.xs, own.ys, own.interpolation).map((l) => `  ${l}`));
      inner('</element>');
    }
  }
  for (const f of v.inflows) inner(`<inflow>${flowName(f)}</inflow>`);
  for (const f of xmileOutflows(v, ast.variables)) inner(`<outflow>${flowName(f)}</outflow>`);
  // A conveyor or queue is never negative; XMILE allows only one of the three.
  if (v.nonNegative && !v.conveyor && !v.queue) inner('<non_negative/>');
  inner(...stockBeltLines(v, ast.variables, expr), ...flowBeltLines(v));
  if (v.units) inner(`<units>${escapeText(v.units.text)}</units>`);
  if (v.graph && tag !== 'gf') {
    for (const l of graphLines(v.graph.xs, v.graph.ys, v.graph.interpolation)) inner(l);
  } else if (v.graph) {
    inner(`<xpts>${v.graph.xs.map(String).join(',')}</xpts>`);
    inner(`<ypts>${v.graph.ys.map(String).join(',')}</ypts>`);
  }
  out.push(`      </${tag}>`);
  return out;
}

/** XMILE writes names in <inflow>/<outflow> with underscores for spaces. */
function flowName(n: NameRef): string {
  return escapeText(n.text.replace(/ /g, '_'));
}

function expr(e: Expr): string {
  return escapeText(printExpr(e));
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

/** Every element of an arrayed variable with its own equation, references made explicit. */
function elementEquations(v: VarDecl, ast: ModelAst): { names: string[]; equation?: Expr }[] {
  const dims = v.dims.map((d) => ast.dimensions.find((x) => x.name.key === d.key));
  if (dims.some((d) => d === undefined)) return [];
  const sizes = dims.map((d) => d!.elements.length);
  const total = sizes.reduce((a, b) => a * b, 1);
  const values = v.valueList?.rows.flat();
  const out: { names: string[]; equation?: Expr }[] = [];
  for (let flat = 0; flat < total; flat++) {
    const idx: number[] = [];
    let rest = flat;
    for (let d = sizes.length - 1; d >= 0; d--) {
      idx.unshift(rest % sizes[d]!);
      rest = Math.floor(rest / sizes[d]!);
    }
    const names = idx.map((i, d) => dims[d]!.elements[i]!.text);
    const keys = names.map(elementKey);
    const own = v.elementEquations.find((e) => e.subscripts.every((s, d) => elementKey(s.text.replace(/^.*\./, '')) === keys[d]));
    const equation = own?.equation ?? values?.[flat] ?? v.equation;
    const context = new Map(dims.map((d, i) => [d!.name.key, names[i]!]));
    // A lookup with a table per element and no input still lists its elements (for their tables).
    if (equation) out.push({ names, equation: explicit(equation, context, ast) });
    else if (v.elementGraphs?.length) out.push({ names });
  }
  return out;
}

/** Rewrites `x` (arrayed like the owner) and `x[Dim]` as `x[element]` for one element. */
function explicit(e: Expr, context: ReadonlyMap<string, string>, ast: ModelAst): Expr {
  return rewriteExpr(e, (x) => {
    if (x.kind !== 'ref') return undefined;
    const target = ast.variables.find((v) => v.name.key === x.name.key);
    if (!target || target.dims.length === 0) return x;
    const items = x.subscripts ?? target.dims.map((d) => ({ text: d.text, span: x.span }));
    return { ...x, subscripts: items.map((s) => ({ ...s, text: context.get(elementKey(s.text)) ?? mappedElement(s.text, context, ast) ?? s.text })) };
  });
}

/** A dimension the equation is not over, but mapped to one it is over: the corresponding element. */
function mappedElement(dimName: string, context: ReadonlyMap<string, string>, ast: ModelAst): string | undefined {
  const dim = ast.dimensions.find((d) => d.name.key === elementKey(dimName));
  if (!dim) return undefined;
  for (const [key, element] of context) {
    const other = ast.dimensions.find((d) => d.name.key === key);
    if (!other) continue;
    const at = other.elements.findIndex((e) => elementKey(e.text) === elementKey(element));
    const mapped = at >= 0 ? mappedElementOf(other, at, dim) : undefined;
    if (mapped) return mapped.text;
  }
  return undefined;
}

function diagramItem(d: DiagramItem): string[] {
  const open = `        <${d.kind} name="${escapeAttr(d.name)}" x="${d.x}" y="${d.y}"`;
  if (!d.points?.length) return [`${open}/>`];
  return [`${open}>`, '          <pts>', ...d.points.map((p) => `            <pt x="${p.x}" y="${p.y}"/>`), '          </pts>', `        </${d.kind}>`];
}

function graphLines(xs: readonly number[], ys: readonly number[], interpolation: string): string[] {
  const type = interpolation === 'continuous' ? '' : ` type="${interpolation}"`;
  return [`<gf${type}>`, `  <xpts>${xs.map(String).join(',')}</xpts>`, `  <ypts>${ys.map(String).join(',')}</ypts>`, '</gf>'];
}

/** An indicator's target, direction and amber band, as numbers (XMILE has no indicators). */
function indicatorAttributes(v: VarDecl): string {
  const ind = v.indicator;
  const target = ind?.target ? foldConstant(ind.target) : undefined;
  if (!ind?.better || target === undefined) return '';
  const amber = ind.amber ? foldConstant(ind.amber) : undefined;
  return ` cwb:target="${target}" cwb:better="${ind.better.value}"${amber === undefined ? '' : ` cwb:amber="${amber}"`}`;
}
