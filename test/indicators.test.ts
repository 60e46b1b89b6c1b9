/** Indicators in the language: targets, direction, amber bands; ratings; printing and XMILE round trips. */
import { describe, expect, it } from 'vitest';
import { compileSource, exportXmile, importXmile, indicatorsOf, parseModel, printModel, rate } from '../engine/src/index.js';

const MODEL = `model "Care"
simulation
  start: 2025
  stop: 2030
aux "Admissions per 100k" [1/year] = 600 - 10 * (TIME - 2025)
  target: 550
  better: lower
  amber: 5%
  doc: "ASCOF 2A(2)"
aux "Still at home after 91 days" = 0.8
  target: 0.82
  better: higher
`;

describe('indicators', () => {
  it('are read with their target, direction and amber band (10% by default)', () => {
    expect(indicatorsOf(parseModel(MODEL, 'm.cwm').ast)).toEqual([
      { name: 'Admissions per 100k', target: 550, better: 'lower', amber: 0.05, units: '1/year', doc: 'ASCOF 2A(2)' },
      { name: 'Still at home after 91 days', target: 0.82, better: 'higher', amber: 0.1 },
    ]);
    expect(compileSource(MODEL).diagnostics).toEqual([]);
  });

  it('rate green when the target is met, amber within the band, red beyond', () => {
    const lower = { target: 550, better: 'lower' as const, amber: 0.05 };
    expect([rate(lower, 540), rate(lower, 550), rate(lower, 577.5), rate(lower, 578)]).toEqual(['green', 'green', 'amber', 'red']);
    const higher = { target: 0.82, better: 'higher' as const, amber: 0.1 };
    expect([rate(higher, 0.9), rate(higher, 0.75), rate(higher, 0.7)]).toEqual(['green', 'amber', 'red']);
  });

  it('explain what is missing or wrong, on its line', () => {
    const errors = (props: string) => compileSource(`model "x"\naux a = TIME\n${props}`).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}: ${d.message}`);
    expect(errors('  target: 5\n')).toEqual(['3: Say which way "a" should go: add  better: lower  or  better: higher.']);
    expect(errors('  better: lower\n')).toEqual(['3: "a" is an indicator without a target: add  target: <number>.']);
    expect(errors('  target: a\n  better: lower\n')).toEqual(['3: The target of "a" must be a number (or arithmetic of numbers), not an expression that changes.']);
    expect(errors('  target: 1\n  better: sideways\n')).toEqual(['4: "better:" is lower or higher (which way the indicator should go); found \'sideways\'.']);
  });

  it('survive printing and XMILE export and import', () => {
    const ast = parseModel(MODEL, 'm.cwm').ast;
    const printed = printModel(ast);
    expect(printed).toContain('  target: 550\n  better: lower\n  amber: 0.05');
    expect(printModel(parseModel(printed, 'm.cwm').ast)).toBe(printed);
    const xml = exportXmile(ast);
    expect(xml).toContain('cwb:target="550" cwb:better="lower" cwb:amber="0.05"');
    expect(indicatorsOf(importXmile(xml, 'm.xmile').ast)).toEqual(indicatorsOf(ast).map(({ doc: _doc, ...rest }) => expect.objectContaining(rest)));
  });
});
