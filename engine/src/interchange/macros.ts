import type { DiagnosticSink } from '../diagnostics.js';
import type { Expr, NameRef, VarDecl } from '../language/ast.js';
import { rewriteExpr } from '../language/rewrite.js';
import { nameKey } from '../names.js';

/** A macro as both XMILE and Vensim define one: parameters, a result, and variables of its own. */
export interface MacroDefinition {
  readonly name: NameRef;
  readonly params: readonly { readonly key: string; readonly fallback?: Expr }[];
  /** The value of a call (XMILE: the macro's <eqn>; Vensim: its variable named like the macro). */
  readonly result: Expr;
  /** Variables inside the macro (stocks, flows, …); each call gets its own copy. */
  readonly body: readonly VarDecl[];
}

const MAX_DEPTH = 16;

/**
 * Replaces every call of a macro by its result, with the call's arguments for the parameters; the
 * macro's variables are copied once per call as "MACRO k variable" so each call keeps its own state.
 */
export function expandMacros(variables: readonly VarDecl[], macros: ReadonlyMap<string, MacroDefinition>, sink: DiagnosticSink): VarDecl[] {
  if (macros.size === 0) return [...variables];
  const out: VarDecl[] = [];
  let instances = 0;
  const expand = (e: Expr, depth: number): Expr =>
    rewriteExpr(e, (node) => {
      if (node.kind !== 'call') return undefined;
      const args = node.args.map((a) => expand(a, depth));
      const macro = macros.get(node.name.key);
      if (!macro) return { ...node, args };
      const failed = (message: string): Expr => {
        sink.error('wrong-arguments', node.span, message);
        return { kind: 'number', value: Number.NaN, span: node.span };
      };
      if (depth > MAX_DEPTH) return failed(`Macro "${macro.name.text}" calls itself (or macros call each other) too deeply.`);
      const required = macro.params.filter((p) => !p.fallback).length;
      if (args.length < required || args.length > macro.params.length) {
        const count = required === macro.params.length ? `${required}` : `${required} to ${macro.params.length}`;
        return failed(`Macro "${macro.name.text}" takes ${count} arguments but ${args.length} were given.`);
      }
      const k = ++instances;
      const locals = new Set(macro.body.map((v) => v.name.key));
      const renamed = (n: NameRef): NameRef => (locals.has(n.key) ? { key: nameKey(`${macro.name.text} ${k} ${n.text}`), text: `${macro.name.text} ${k} ${n.text}`, span: n.span } : n);
      const values = macro.params.map((p, i) => args[i] ?? p.fallback!);
      const instance = (x: Expr): Expr =>
        expand(
          rewriteExpr(x, (y) => {
            if (y.kind === 'ref') {
              const p = y.subscripts ? -1 : macro.params.findIndex((q) => q.key === y.name.key);
              return p >= 0 ? values[p]! : { ...y, name: renamed(y.name) };
            }
            return y.kind === 'call' && locals.has(y.name.key) ? { ...y, name: renamed(y.name), args: y.args.map(instance) } : undefined;
          }),
          depth + 1,
        );
      for (const v of macro.body) {
        out.push({
          ...v,
          name: renamed(v.name),
          ...(v.equation ? { equation: instance(v.equation) } : {}),
          ...(v.valueList ? { valueList: { ...v.valueList, rows: v.valueList.rows.map((r) => r.map(instance)) } } : {}),
          elementEquations: v.elementEquations.map((x) => ({ ...x, equation: instance(x.equation) })),
          inflows: v.inflows.map(renamed),
          outflows: v.outflows.map(renamed),
        });
      }
      return instance(macro.result);
    });
  for (const v of variables) {
    out.push({
      ...v,
      ...(v.equation ? { equation: expand(v.equation, 0) } : {}),
      ...(v.valueList ? { valueList: { ...v.valueList, rows: v.valueList.rows.map((r) => r.map((x) => expand(x, 0))) } } : {}),
      elementEquations: v.elementEquations.map((x) => ({ ...x, equation: expand(x.equation, 0) })),
    });
  }
  return out;
}
