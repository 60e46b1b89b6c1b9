/**
 * The only ways values enter generated code. Each is checked against a strict pattern so that no
 * text from a model (names, units, documentation) can ever become part of the program.
 */

const NUMBER = /^-?[0-9]+(?:\.[0-9]+)?(?:e[+-][0-9]+)?$/;

export class CodegenError extends Error {}

/** A number as a JavaScript literal that reproduces it exactly (String(x) round-trips doubles). */
export function numberLiteral(x: number): string {
  if (Number.isNaN(x)) return '(0/0)';
  if (x === Number.POSITIVE_INFINITY) return '(1/0)';
  if (x === Number.NEGATIVE_INFINITY) return '(-1/0)';
  if (Object.is(x, -0)) return '(-0)';
  const s = String(x);
  if (!NUMBER.test(s)) throw new CodegenError(`internal error: cannot emit number ${s}`);
  return x < 0 ? `(${s})` : s;
}

/** A slot, table or site number. */
export function indexLiteral(i: number): string {
  if (!Number.isSafeInteger(i) || i < 0) throw new CodegenError(`internal error: bad index ${String(i)}`);
  return String(i);
}
