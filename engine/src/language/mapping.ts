import type { DimensionDecl, NameRef } from './ast.js';
import { elementKey } from '../names.js';

/** One mapping as written after "->": a dimension, with an explicit element list when "(Other: b3, b1, b2)". */
export interface WrittenMapping {
  readonly to: string;
  readonly elements?: readonly string[];
}

/** Splits "Other, (Another: b3, b1, b2)" at its top-level commas into mappings. */
export function splitMappings(text: string): WrittenMapping[] {
  const list = /^\(\s*("[^"]*"|[^:]+?)\s*:\s*(.*?)\s*\)$/s;
  return splitTopLevel(text).map((p) => {
    const m = list.exec(p);
    if (!m) return { to: p.replace(/\s+/g, ' ') };
    return { to: m[1]!.replace(/\s+/g, ' '), elements: splitTopLevel(m[2]!).map((e) => e.replace(/\s+/g, ' ')) };
  });
}

/** The non-empty parts of text between commas outside parentheses and double quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || i === text.length) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return parts.filter((p) => p !== '');
}

/** The element of `other` that element `at` of `dim` corresponds to through a mapping either way round (undefined if none). */
export function mappedElementOf(dim: DimensionDecl, at: number, other: DimensionDecl): NameRef | undefined {
  const find = (d: DimensionDecl, text: string | undefined) => (text === undefined ? undefined : d.elements.findIndex((e) => elementKey(e.text) === elementKey(text)));
  if (dim.mapsTo?.some((m) => m.key === other.name.key)) {
    const list = dim.mapLists?.find((l) => l.to === other.name.key)?.elements;
    if (!list) return other.elements[at];
    const i = find(other, list[at]?.text);
    return i === undefined || i < 0 ? undefined : other.elements[i];
  }
  if (other.mapsTo?.some((m) => m.key === dim.name.key)) {
    const list = other.mapLists?.find((l) => l.to === dim.name.key)?.elements;
    if (!list) return other.elements[at];
    const i = list.findIndex((e) => elementKey(e.text) === elementKey(dim.elements[at]?.text ?? ''));
    return i < 0 ? undefined : other.elements[i];
  }
  return undefined;
}
