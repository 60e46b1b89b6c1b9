import { elementKey, nameKey } from '../names.js';
import type { ModelIR, VariableLayout } from '../ir/ir.js';

/** A problem with what the caller asked for (an unknown variable, a bad override), not with the model. */
export class ModelInputError extends Error {
  override readonly name = 'ModelInputError';
}

export interface Selection {
  readonly variable: VariableLayout;
  /** Flat element indices selected (every element when the name has no subscript). */
  readonly elements: readonly number[];
}

/** Why a name does not select anything: a stable code for tools, a message for people. */
export interface SelectionProblem {
  readonly code: 'unknown-variable' | 'no-values' | 'dimension-count' | 'unknown-element';
  readonly message: string;
  /** The variable part of the name, as written (for "did you mean" suggestions). */
  readonly name: string;
}

/** Resolves `name` or `name[element, …]` (spaces, case and underscores don't matter). */
export function selectVariable(ir: ModelIR, text: string): Selection {
  const found = trySelectVariable(ir, text);
  if ('code' in found) throw new ModelInputError(found.message);
  return found;
}

/** As selectVariable, but says what is wrong instead of throwing (for validating many names at once). */
export function trySelectVariable(ir: ModelIR, text: string): Selection | SelectionProblem {
  const { name: namePart, items } = splitSubscripted(text);
  const problem = (code: SelectionProblem['code'], message: string): SelectionProblem => ({ code, message, name: namePart });
  const index = ir.variableIndex.get(nameKey(namePart));
  if (index === undefined) return problem('unknown-variable', `The model has no variable called "${namePart}".`);
  const variable = ir.variables[index]!;
  if (variable.slots.length === 0) return problem('no-values', `"${variable.name}" is a graph used as a function; it has no values of its own.`);
  if (!items) return { variable, elements: variable.slots.map((_, e) => e) };
  if (items.length !== variable.dims.length) {
    return problem('dimension-count', `"${variable.name}" has ${variable.dims.length} dimension(s) but "${text}" names ${items.length} element(s).`);
  }
  let flat = 0;
  for (let d = 0; d < items.length; d++) {
    const dim = variable.dims[d]!;
    const i = dim.elements.findIndex((e) => elementKey(e) === elementKey(items[d]!));
    if (i < 0) return problem('unknown-element', `"${items[d]}" is not an element of ${dim.name} (elements: ${dim.elements.join(', ')}).`);
    flat = flat * dim.elements.length + i;
  }
  return { variable, elements: [flat] };
}

/** `"x"[a, b]` → name `x` and items `a`, `b`; no items when there is no subscript. */
export function splitSubscripted(text: string): { readonly name: string; readonly items?: readonly string[] } {
  const trimmed = text.trim();
  const bracket = trimmed.endsWith(']') ? trimmed.lastIndexOf('[') : -1;
  const name = unquote(bracket > 0 ? trimmed.slice(0, bracket) : trimmed);
  return bracket > 0 ? { name, items: trimmed.slice(bracket + 1, -1).split(',').map((s) => s.trim()) } : { name };
}

/** `x` or `x[a,b]`: how series and CSV columns are named. */
export function seriesName(variable: VariableLayout, element: number): string {
  if (variable.dims.length === 0) return variable.name;
  const names: string[] = [];
  let rest = element;
  for (let d = variable.dims.length - 1; d >= 0; d--) {
    const n = variable.dims[d]!.elements.length;
    names.unshift(variable.dims[d]!.elements[rest % n]!);
    rest = Math.floor(rest / n);
  }
  return `${variable.name}[${names.join(',')}]`;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}
