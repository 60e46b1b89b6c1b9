import type { Expr } from './ast.js';

/**
 * Rebuilds an expression tree: `rewrite` may replace any node (return a new node), or return
 * undefined to keep the node and rewrite inside it. Used by importers and exporters that rename
 * variables, bind subscripts or expand macros.
 */
export function rewriteExpr(e: Expr, rewrite: (node: Expr) => Expr | undefined): Expr {
  const replaced = rewrite(e);
  if (replaced) return replaced;
  const go = (x: Expr): Expr => rewriteExpr(x, rewrite);
  switch (e.kind) {
    case 'number':
    case 'ref':
      return e;
    case 'call':
      return { ...e, args: e.args.map(go) };
    case 'unary':
      return { ...e, arg: go(e.arg) };
    case 'binary':
      return { ...e, left: go(e.left), right: go(e.right) };
    case 'if':
      return { ...e, cond: go(e.cond), then: go(e.then), else: go(e.else) };
  }
}
