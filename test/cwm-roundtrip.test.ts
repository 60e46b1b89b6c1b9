import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { compileAst, compileSource, formatDiagnostic, parseModel, printExpr, printModel, simulate, type RunResult } from '../engine/src/index.js';
import { findSuiteModels } from '../cli/conformance.js';
import { readModelFile } from '../services/model-files.js';

function numbers(r: RunResult): Record<string, number[]> {
  return Object.fromEntries(r.series.map((s) => [s.name, Array.from(s.values)]));
}

describe('saving any model as .cwm', () => {
  test('every XMILE suite model we pass runs identically after conversion to .cwm', async () => {
    const expectations = JSON.parse(await readFile('test/conformance-expectations.json', 'utf8')) as { failures: Record<string, string> };
    const models = (await findSuiteModels('../shared/test-models')).filter((m) => m.format === 'xmile' && !Object.keys(expectations.failures).some((f) => m.file.endsWith(f)));
    expect(models.length).toBeGreaterThanOrEqual(69);
    for (const m of models) {
      const read = await readModelFile(m.file);
      const direct = compileAst(read.ast, read.diagnostics);
      const text = printModel(read.ast);
      const again = compileSource(text, 'converted.cwm');
      expect(again.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), `${m.file}\n${text}`).toEqual([]);
      expect(numbers(simulate(again.model!)), m.file).toEqual(numbers(simulate(direct.model!)));
      // Printing is stable: the converted text prints to itself.
      expect(printModel(parseModel(text, 'converted.cwm').ast), m.file).toBe(text);
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
