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

/** Resolves `name` or `name[element, …]` (spaces, case and underscores don't matter). */
export function selectVariable(ir: ModelIR, text: string): Selection {
  const trimmed = text.trim();
  const bracket = trimmed.endsWith(']') ? trimmed.lastIndexOf('[') : -1;
  const namePart = unquote(bracket > 0 ? trimmed.slice(0, bracket) : trimmed);
  const index = ir.variableIndex.get(nameKey(namePart));
  if (index === undefined) throw new ModelInputError(`The model has no variable called "${namePart}".`);
  const variable = ir.variables[index]!;
  if (variable.slots.length === 0) throw new ModelInputError(`"${variable.name}" is a graph used as a function; it has no values of its own.`);
  if (bracket <= 0) return { variable, elements: variable.slots.map((_, e) => e) };
  const items = trimmed.slice(bracket + 1, -1).split(',').map((s) => s.trim());
  if (items.length !== variable.dims.length) {
    throw new ModelInputError(`"${variable.name}" has ${variable.dims.length} dimension(s) but "${text}" names ${items.length} element(s).`);
  }
  let flat = 0;
  items.forEach((item, d) => {
    const dim = variable.dims[d]!;
    const i = dim.elements.findIndex((e) => elementKey(e) === elementKey(item));
    if (i < 0) throw new ModelInputError(`"${item}" is not an element of ${dim.name} (elements: ${dim.elements.join(', ')}).`);
    flat = flat * dim.elements.length + i;
  });
  return { variable, elements: [flat] };
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
