import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { compileAst, compileSource, exportXmile, formatDiagnostic, importXmile, parseModel, printExpr, printModel, simulate, type RunResult } from '../engine/src/index.js';
import { findSuiteModels } from '../cli/conformance.js';
import { readModelFile } from '../services/model-files.js';

function numbers(r: RunResult): Record<string, number[]> {
  return Object.fromEntries(r.series.map((s) => [s.name, Array.from(s.values)]));
}

describe('saving any model as .cwm', () => {
  test('every suite model we pass (XMILE and Vensim) runs identically after conversion to .cwm and after XMILE export', async () => {
    const expectations = JSON.parse(await readFile('test/conformance-expectations.json', 'utf8')) as { failures: Record<string, string> };
    const models = (await findSuiteModels('../shared/test-models')).filter((m) => !Object.keys(expectations.failures).some((f) => m.file.endsWith(f)));
    expect(models.filter((m) => m.format === 'xmile').length).toBeGreaterThanOrEqual(69);
    expect(models.filter((m) => m.format === 'mdl').length).toBeGreaterThanOrEqual(74);
    for (const m of models) {
      const read = await readModelFile(m.file);
      const direct = compileAst(read.ast, read.diagnostics);
      const text = printModel(read.ast);
      const again = compileSource(text, 'converted.cwm');
      expect(again.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), `${m.file}\n${text}`).toEqual([]);
      expect(numbers(simulate(again.model!)), m.file).toEqual(numbers(simulate(direct.model!)));
      // Printing is stable: the converted text prints to itself.
      expect(printModel(parseModel(text, 'converted.cwm').ast), m.file).toBe(text);
      // And through our own XMILE export: import → export → import gives the same run.
      const xml = exportXmile(read.ast);
      const reimported = importXmile(xml, 'exported.xmile');
      const viaXmile = compileAst(reimported.ast, reimported.diagnostics);
      expect(viaXmile.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), `${m.file}\n${xml}`).toEqual([]);
      expect(numbers(simulate(viaXmile.model!)), `${m.file} via XMILE`).toEqual(numbers(simulate(direct.model!)));
    }
  }, 300_000);

  test('expressions keep their meaning with minimal parentheses', () => {
    const roundTrip = (src: string): string => printExpr((parseModel(`aux x = ${src}`).ast.variables[0]!.equation)!);
    expect(roundTrip('(a + b) * c')).toBe('(a + b) * c');
    expect(roundTrip('a + (b * c)')).toBe('a + b * c');
    expect(roundTrip('a - (b - c)')).toBe('a - (b - c)');
    expect(roundTrip('(a - b) - c')).toBe('a - b - c');
    expect(roundTrip('-(2 ^ 2)')).toBe('-2 ^ 2');
    expect(roundTrip('(-2) ^ 2')).toBe('(-2) ^ 2');
    expect(roundTrip('2 ^ 3 ^ 2')).toBe('2 ^ 3 ^ 2');
    expect(roundTrip('(2 ^ 3) ^ 2')).toBe('(2 ^ 3) ^ 2');
    expect(roundTrip('- (-a)')).toBe('-(-a)');
    expect(roundTrip('not (a < b) or c')).toBe('not (a < b) or c');
    expect(roundTrip('1 + (if a then b else c)')).toBe('1 + (if a then b else c)');
    expect(roundTrip('MAX("Length of stay"[85+], x[*])')).toBe('MAX("Length of stay"[85+], x[*])');
  });

  test('names, elements, docs and graphs survive the trip', () => {
    const src = `model "A \\"quoted\\" title"
  doc: """
    Two lines
    of documentation.
    """

simulation
  start: 2025
  stop: 2030
  dt: 0.25
  method: rk4

dimension "Age band": 65-69, 90+, "North, East"

stock "People in care"["Age band"] [people] = 1, 2, 3
  inflow: admissions
  non-negative
  doc: "Has \\"quotes\\""

flow admissions["Age band"] [people/year] = "People in care" * 0.1
  ["North, East"] = 0

graph g = TIME
  points: (2025, 0), (2030, 1)
  interpolation: discrete
`;
    const text = printModel(parseModel(src).ast);
    expect(text).toBe(src);
  });
});

describe('XMILE export', () => {
  test('the example care model exports as XMILE 1.0 with every array element written out, and runs identically', async () => {
    const source = await readFile('resources/models/residential-care.cwm', 'utf8');
    const ast = parseModel(source, 'rc.cwm').ast;
    const xml = exportXmile(ast);
    // Our extension namespace is declared because the model has constants (marked cwb:kind="const").
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0" xmlns:cwb="https://commissioning-workbench.org/xmile">')).toBe(true);
    expect(xml).toContain('<aux name="Average length of stay" cwb:kind="const">');
    expect(xml).toContain('<dt>0.25</dt>');
    expect(xml).toContain('<element subscript="75-84">\n          <eqn>"Older population"[75-84] / "years in band"[75-84]</eqn>');
    expect(xml).not.toMatch(/<eqn>[^<]*,[^<]*<\/eqn>/); // no Vensim-style value lists
    const back = importXmile(xml, 'rc.xmile');
    const a = compileSource(source, 'rc.cwm');
    const b = compileAst(back.ast, back.diagnostics);
    expect(numbers(simulate(b.model!))).toEqual(numbers(simulate(a.model!)));
  });

  test('a step such as 1/7 is written as its reciprocal, as Stella does, and comes back exactly', () => {
    const ast = parseModel('simulation\n  start: 0\n  stop: 1\n  dt: 1/7\nstock s = 0\n  inflow: f\nflow f = 1\n', 'w.cwm').ast;
    const xml = exportXmile(ast);
    expect(xml).toContain('<dt reciprocal="true">7</dt>');
    const back = compileAst(importXmile(xml, 'w.xmile').ast, []);
    const times = Array.from(simulate(back.model!).times);
    expect(times).toEqual(Array.from(simulate(compileAst(ast, []).model!).times));
    expect(times).toHaveLength(8);
  });

  test('diagram positions are kept through import and export', async () => {
    const text = await readFile('../shared/test-models/samples/teacup/teacup_w_diagram.xmile', 'utf8');
    const first = importXmile(text, 'teacup.xmile').ast;
    expect(first.diagram).toEqual([
      { kind: 'stock', name: 'teacup_temperature', x: 132, y: 97 },
      { kind: 'flow', name: 'heat_loss_to_room', x: 243, y: 92, points: [{ x: 154, y: 92 }, { x: 332, y: 92 }] },
      { kind: 'aux', name: 'characteristic_time', x: 285, y: 43 },
      { kind: 'aux', name: 'room_temperature', x: 283, y: 139 },
    ]);
    const again = importXmile(exportXmile(first), 'again.xmile').ast;
    expect(again.diagram).toEqual(first.diagram);
  });

  test('names and text that need escaping stay intact', () => {
    const ast = parseModel('aux "a < b & \\"c\\"" [£/week] = 1\n  doc: "x < y & z"\naux d = "a < b & \\"c\\"" * 2\n', 'm.cwm').ast;
    const back = importXmile(exportXmile(ast), 'm.xmile');
    expect(back.diagnostics).toEqual([]);
    expect(back.ast.variables.map((v) => [v.name.text, v.doc, v.units?.text])).toEqual([
      ['a < b & "c"', 'x < y & z', '£/week'],
      ['d', undefined, undefined],
    ]);
  });
});
