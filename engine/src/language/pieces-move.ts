import type { Diagnostic, SourcePos, SourceSpan } from '../diagnostics.js';
import type { Expr, ModelAst, NameRef, VarDecl } from './ast.js';

/**
 * A remembered piece's AST as if it had been parsed `lines` lines and `offset` characters further
 * on (pieces start lines, so columns stay). Every position is a new object: the earlier parse's
 * AST is never changed. Variables and equations — nearly all of a model — are copied by type
 * (several times faster than a generic walk, which made moving cost as much as parsing); any other
 * node, or one with fields this file does not know, is copied generically, so a new kind of
 * declaration is moved correctly too, only more slowly.
 */
export function movedAst(ast: ModelAst, lines: number, offset: number): ModelAst {
  const pos = (p: SourcePos): SourcePos => ({ line: p.line + lines, column: p.column, offset: p.offset + offset });
  const span = (s: SourceSpan): SourceSpan => ({ start: pos(s.start), end: pos(s.end) });
  const name = (n: NameRef): NameRef => ({ key: n.key, text: n.text, span: span(n.span) });

  const generic = (x: unknown): unknown => {
    if (typeof x !== 'object' || x === null) return x;
    if (Array.isArray(x)) return x.map(generic);
    const o = x as Record<string, unknown>;
    if (typeof o['offset'] === 'number' && typeof o['line'] === 'number' && typeof o['column'] === 'number') return pos(o as unknown as SourcePos);
    const out: Record<string, unknown> = {};
    for (const k in o) out[k] = generic(o[k]);
    return out;
  };

  const expr = (e: Expr): Expr => {
    switch (e.kind) {
      case 'number':
        if (keys(e) === 3) return { kind: 'number', value: e.value, span: span(e.span) };
        break;
      case 'ref':
        if (e.subscripts === undefined && keys(e) === 3) return { kind: 'ref', name: name(e.name), span: span(e.span) };
        break;
      case 'call':
        if (keys(e) === 4) return { kind: 'call', name: name(e.name), args: e.args.map(expr), span: span(e.span) };
        break;
      case 'unary':
        if (keys(e) === 4) return { kind: 'unary', op: e.op, arg: expr(e.arg), span: span(e.span) };
        break;
      case 'binary':
        if (e.opSpan !== undefined && keys(e) === 6) return { kind: 'binary', op: e.op, left: expr(e.left), right: expr(e.right), span: span(e.span), opSpan: span(e.opSpan) };
        break;
      case 'if':
        if (keys(e) === 5) return { kind: 'if', cond: expr(e.cond), then: expr(e.then), else: expr(e.else), span: span(e.span) };
        break;
    }
    return generic(e) as Expr;
  };

  const variable = (d: VarDecl): VarDecl => {
    const out: Record<string, unknown> = {};
    for (const k in d) {
      const v = (d as unknown as Record<string, unknown>)[k];
      switch (k) {
        case 'kind':
        case 'nonNegative':
        case 'doc':
        case 'broken':
          out[k] = v;
          break;
        case 'name':
          out[k] = name(v as NameRef);
          break;
        case 'span':
          out[k] = span(v as SourceSpan);
          break;
        case 'equation':
          out[k] = expr(v as Expr);
          break;
        case 'dims':
        case 'inflows':
        case 'outflows':
          out[k] = (v as NameRef[]).map(name);
          break;
        default:
          out[k] = generic(v);
      }
    }
    return out as unknown as VarDecl;
  };

  const moved: Record<string, unknown> = {};
  for (const k in ast) {
    const v = (ast as unknown as Record<string, unknown>)[k];
    moved[k] = k === 'variables' ? ast.variables.map(variable) : generic(v);
  }
  return moved as unknown as ModelAst;
}

/** A diagnostic of a piece moved `lines` lines on. */
export function movedDiagnostic(d: Diagnostic, lines: number): Diagnostic {
  return lines === 0 ? d : { ...d, line: d.line + lines, endLine: d.endLine + lines };
}

function keys(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}
