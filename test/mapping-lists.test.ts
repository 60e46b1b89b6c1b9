/** Explicit mapping lists `-> (Other: b3, b1, b2)`: in the language, the checker, Vensim import and the printers. */
import { describe, expect, test } from 'vitest';
import { compileAst, compileSource, exportXmile, formatDiagnostic, importVensim, importXmile, parseModel, printModel, simulate } from '../engine/src/index.js';
import { series } from './helpers.js';

const SIM = 'simulation\n  start: 0\n  stop: 1\n';

function values(src: string): Record<string, number> {
  const c = compileSource(src, 'm.cwm');
  expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  const r = simulate(c.model!);
  return Object.fromEntries(r.series.map((s) => [s.name, s.values[0]!]));
}

describe('explicit mapping lists', () => {
  const model = `${SIM}dimension B: b1, b2, b3
dimension A: a1, a2, a3 -> (B: b3, b1, b2)
const y[A] = 10, 20, 30
const w[B] = 1, 2, 3
aux x[B] = y[A]
aux z[A] = w
aux u[A] = w[B] * 100
`;

  test('each element takes the element it is listed with, either way round', () => {
    const v = values(model);
    // a1 ↔ b3, a2 ↔ b1, a3 ↔ b2
    expect([v['x[b1]'], v['x[b2]'], v['x[b3]']]).toEqual([20, 30, 10]);
    expect([v['z[a1]'], v['z[a2]'], v['z[a3]']]).toEqual([3, 1, 2]);
    expect([v['u[a1]'], v['u[a2]'], v['u[a3]']]).toEqual([300, 100, 200]);
  });

  test('prints as written, and survives .cwm and XMILE round trips', () => {
    const ast = parseModel(model, 'm.cwm').ast;
    const text = printModel(ast);
    expect(text).toContain('dimension A: a1, a2, a3 -> (B: b3, b1, b2)');
    expect(printModel(parseModel(text, 'again.cwm').ast)).toBe(text);
    const viaXmile = importXmile(exportXmile(ast), 'm.xmile');
    const r = simulate(compileAst(viaXmile.ast, viaXmile.diagnostics).model!);
    expect([series(r, 'x[b1]')[0], series(r, 'z[a1]')[0]]).toEqual([20, 3]);
  });

  test('element names that need quotes keep them through printing', () => {
    const src = `${SIM}dimension B: "x, y", z\ndimension A: a1, a2 -> (B: z, "x, y")\nconst w[B] = 1, 2\naux v[A] = w\n`;
    const text = printModel(parseModel(src, 'm.cwm').ast);
    expect(text).toContain('dimension A: a1, a2 -> (B: z, "x, y")');
    const v = values(text);
    expect([v['v[a1]'], v['v[a2]']]).toEqual([2, 1]);
  });

  test('lists of the wrong length or with unknown elements are errors', () => {
    const errors = (dims: string) => compileSource(`${SIM}${dims}\nconst c = 1\n`, 'm.cwm').diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    expect(errors('dimension B: b1, b2\ndimension A: a1, a2, a3 -> (B: b1, b2)')).toEqual(['The mapping of "A" to "B" lists 2 elements, but "A" has 3: give one element of "B" for each.']);
    expect(errors('dimension B: b1, b2\ndimension A: a1, a2 -> (B: b1, b9)')).toEqual(['"b9" is not an element of dimension "B" (its elements are b1, b2).']);
  });

  test('many to one: each element of A names one of B (and B cannot look back)', () => {
    const v = values(`${SIM}dimension B: b1, b2\ndimension A: a1, a2, a3 -> (B: b1, b1, b2)\nconst w[B] = 5, 7\naux z[A] = w\n`);
    expect([v['z[a1]'], v['z[a2]'], v['z[a3]']]).toEqual([5, 5, 7]);
  });

  test('from Vensim, with subranges in the list', () => {
    const mdl = `{UTF-8}
B : b1, b2, b3 ~~|
first B : b1, b2 ~~|
A : a1, a2, a3 -> (B: b3, first B) ~~|
y[A] = 10, 20, 30 ~~|
x[B] = y[A] ~~|
********************************************************
\t.Control
********************************************************~
\t|
FINAL TIME = 1 ~~|
INITIAL TIME = 0 ~~|
TIME STEP = 1 ~~|
SAVEPER = 1 ~~|
`;
    const read = importVensim(mdl, 'm.mdl');
    const c = compileAst(read.ast, read.diagnostics);
    expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const r = simulate(c.model!);
    // a1 ↔ b3, a2 ↔ b1, a3 ↔ b2
    expect(['x[b1]', 'x[b2]', 'x[b3]'].map((n) => series(r, n)[0])).toEqual([20, 30, 10]);
    expect(printModel(read.ast)).toContain('dimension A: a1, a2, a3 -> (B: b3, b1, b2)');
  });
});
