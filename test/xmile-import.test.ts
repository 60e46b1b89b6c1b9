import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { compileAst, importXmile, parseXml, simulate } from '../engine/src/index.js';
import { series } from './helpers.js';

const wrap = (variables: string, extra = ''): string => `<?xml version="1.0" encoding="utf-8"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
  <header><name>Test</name></header>
  <sim_specs method="Euler" time_units="Months"><start>0</start><stop>4</stop><dt>1</dt></sim_specs>
  ${extra}
  <model><variables>${variables}</variables></model>
</xmile>`;

function run(xml: string) {
  const imported = importXmile(xml, 'm.xmile');
  const compiled = compileAst(imported.ast, imported.diagnostics);
  expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return simulate(compiled.model!);
}

describe('the XML reader refuses anything external or malformed, with a line number', () => {
  test.each([
    ['<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xmile>&e;</xmile>', 1, 'Document type declarations (DOCTYPE, DTDs and entity declarations) are not allowed in model files.'],
    ['<xmile>\n  <model>&secret;</model>\n</xmile>', 2, 'Unknown entity &secret; (entities other than &lt; &gt; &amp; &quot; &apos; are not allowed).'],
    ['<xmile>\n<model>\n</xmile>', 3, 'Found </xmile> where </model> (opened at line 2) was expected.'],
    ['<xmile><model name="a" name="b"/></xmile>', 1, 'Attribute name appears twice in <model>.'],
    ['<xmile>\n<model>', 2, 'The file ends before </model> (opened at line 2).'],
    ['', 1, 'The file is empty: expected an XML document.'],
    ['<xmile/>trailing', 1, 'Unexpected content after the end of the document.'],
  ])('%j', (xml, line, message) => {
    expect(() => parseXml(xml)).toThrow(message);
    try {
      parseXml(xml);
    } catch (e) {
      expect((e as { line: number }).line).toBe(line);
    }
  });

  test('deep nesting is refused, not a stack overflow', () => {
    expect(() => parseXml('<a>'.repeat(100000) + '</a>'.repeat(100000))).toThrow('Elements are nested more than 256 deep.');
  });

  test('entities and CDATA are decoded', () => {
    const root = parseXml('<eqn>a &lt; b &amp;&#x41;<![CDATA[ <raw> ]]></eqn>');
    expect(root.text).toBe('a < b &A <raw> ');
  });
});

describe('XMILE import', () => {
  test('a hostile file gives a diagnostic with the position, never an exception', () => {
    const imported = importXmile('<?xml version="1.0"?>\n<!DOCTYPE xmile SYSTEM "http://evil/x.dtd">\n<xmile/>', 'evil.xmile');
    expect(imported.diagnostics.map((d) => [d.file, d.line, d.severity, d.message])).toEqual([
      ['evil.xmile', 2, 'error', 'This is not a readable XMILE file: Document type declarations (DOCTYPE, DTDs and entity declarations) are not allowed in model files.'],
    ]);
  });

  test('an equation error names the variable and points into the XML', () => {
    const xml = wrap('<aux name="broken"><eqn>1 + * 2</eqn></aux>');
    const imported = importXmile(xml, 'm.xmile');
    expect(imported.diagnostics.map((d) => [d.line, d.variable, d.message])).toEqual([[6, 'broken', `In the equation of "broken": Expected a number, a name or "(" in the equation, found '*'.`]]);
  });

  test('stocks, flows, non-negative behaviour, graphical functions and units', () => {
    const r = run(
      wrap(
        `<stock name="Waiting list"><eqn>3</eqn><inflow>referrals</inflow><outflow>Seen</outflow><non_negative/><units>people</units></stock>
         <flow name="referrals"><eqn>1</eqn><units>people/Month</units></flow>
         <flow name="seen"><eqn>Capacity</eqn></flow>
         <aux name="capacity"><eqn>TIME</eqn><gf type="discrete"><xscale min="0" max="4"/><ypts>2,2,3,5,5</ypts></gf></aux>
         <gf name="standalone"><xpts>0,10</xpts><ypts>0,100</ypts></gf>
         <aux name="use standalone"><eqn>standalone(Waiting_list) {a Stella comment}</eqn></aux>`,
      ),
    );
    expect(series(r, 'capacity')).toEqual([2, 2, 3, 5, 5]);
    // 3 + 1 − 2 = 2; 2 + 1 − min(2, 2/1 + 1) = 1; then seen is limited to what is there plus arrivals.
    expect(series(r, 'Waiting list')).toEqual([3, 2, 1, 0, 0]);
    expect(series(r, 'seen')).toEqual([2, 2, 2, 1, 1]);
    expect(series(r, 'use standalone')).toEqual([30, 20, 10, 0, 0]);
  });

  test('arrays: apply-to-all, per-element equations and value tables', () => {
    const r = run(
      wrap(
        `<aux name="rates"><dimensions><dim name="Area"/></dimensions><eqn>1, 2, 3</eqn></aux>
         <aux name="grid"><dimensions><dim name="Area"/><dim name="Band"/></dimensions><eqn>1,2; 3,4; 5,6;</eqn></aux>
         <aux name="doubled"><dimensions><dim name="Area"/></dimensions><eqn>rates * 2</eqn></aux>
         <aux name="picked"><dimensions><dim name="Area"/></dimensions>
           <element subscript="north"><eqn>10</eqn></element><element subscript="South"><eqn>20</eqn></element><element subscript="west"><eqn>grid[west, old]</eqn></element></aux>
         <aux name="total"><eqn>SUM(rates[*])</eqn></aux>`,
        '<dimensions><dim name="Area"><elem name="North"/><elem name="South"/><elem name="West"/></dim><dim name="Band"><elem name="young"/><elem name="old"/></dim></dimensions>',
      ),
    );
    expect(series(r, 'doubled[South]')[0]).toBe(4);
    expect(series(r, 'picked[West]')[0]).toBe(6);
    expect(series(r, 'grid[South,young]')[0]).toBe(3);
    expect(series(r, 'total')[0]).toBe(6);
  });

  test('reciprocal dt, <behavior> defaults and <non_negative>false</non_negative>', () => {
    const xml = `<xmile version="1.0"><sim_specs><start>0</start><stop>2</stop><dt reciprocal="true">2</dt></sim_specs>
      <behavior><stock><non_negative/></stock></behavior>
      <model><variables>
        <stock name="a"><eqn>0.5</eqn><outflow>drain</outflow></stock>
        <stock name="b"><eqn>0.5</eqn><outflow>drain2</outflow><non_negative>false</non_negative></stock>
        <flow name="drain"><eqn>2</eqn></flow><flow name="drain2"><eqn>2</eqn></flow>
      </variables></model></xmile>`;
    const r = run(xml);
    expect(Array.from(r.times)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(series(r, 'a')).toEqual([0.5, 0, 0, 0, 0]);
    expect(series(r, 'b')).toEqual([0.5, -0.5, -1.5, -2.5, -3.5]);
  });

  test('a macro without an equation and a missing module model are errors, by line; so are cyclic modules', () => {
    const xml = `<xmile version="1.0">\n<model><variables><module name="hares"/></variables></model>\n<macro name="M"/>\n</xmile>`;
    const imported = importXmile(xml, 'm.xmile');
    expect(imported.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [3, 'Macro "M" has no <eqn>.'],
      [2, 'Module "hares" uses model "hares", which the file does not define.'],
    ]);
    const cyclic = `<xmile version="1.0"><model><variables><module name="a"/></variables></model>\n<model name="a"><variables><module name="a"/></variables></model></xmile>`;
    expect(importXmile(cyclic, 'c.xmile').diagnostics.map((d) => [d.line, d.message])).toEqual([[2, 'Module "a" is nested more than 16 deep (do modules contain each other?).']]);
  });

  test('macros: parameters with defaults, and a copy of the macro\'s stock for each call', () => {
    const xml = `<xmile version="1.0"><sim_specs><start>0</start><stop>3</stop><dt>1</dt></sim_specs>
      <macro name="LOGB"><parm>x</parm><parm default="10">base</parm><eqn>LN(x) / LN(base)</eqn></macro>
      <macro name="TOTAL"><parm>inflow</parm><eqn>acc</eqn>
        <variables><stock name="acc"><eqn>0</eqn><inflow>add</inflow></stock><flow name="add"><eqn>inflow</eqn></flow></variables>
      </macro>
      <model><variables>
        <aux name="digits"><eqn>LOGB(1000)</eqn></aux>
        <aux name="bits"><eqn>LOGB(8, 2)</eqn></aux>
        <aux name="ones"><eqn>TOTAL(1)</eqn></aux>
        <aux name="twos"><eqn>TOTAL(2) + TOTAL(ones)</eqn></aux>
      </variables></model></xmile>`;
    const r = run(xml);
    expect(series(r, 'digits')[0]).toBeCloseTo(3, 14);
    expect(series(r, 'bits')[0]).toBeCloseTo(3, 14);
    expect(series(r, 'ones')).toEqual([0, 1, 2, 3]);
    expect(series(r, 'twos')).toEqual([0, 2, 5, 9]);
  });

  test('modules are flattened: module.variable names, ports connected to their sources', () => {
    const xml = `<xmile version="1.0"><sim_specs><start>0</start><stop>2</stop><dt>1</dt></sim_specs>
      <model><variables>
        <module name="clinic"><connect to="clinic.demand" from=".referrals"/></module>
        <aux name="referrals"><eqn>10</eqn></aux>
        <aux name="seen"><eqn>clinic.throughput</eqn></aux>
      </variables></model>
      <model name="clinic"><variables>
        <aux name="demand" access="input"><eqn>{placeholder}</eqn></aux>
        <stock name="queue"><eqn>0</eqn><inflow>arrivals</inflow></stock>
        <flow name="arrivals"><eqn>demand / 2</eqn></flow>
        <aux name="throughput" access="output"><eqn>queue</eqn></aux>
      </variables></model></xmile>`;
    const r = run(xml);
    expect(series(r, 'clinic.queue')).toEqual([0, 5, 10]);
    expect(series(r, 'seen')).toEqual([0, 5, 10]);
  });

  test('the teacup sample runs and matches its canonical output', async () => {
    const text = await readFile('../shared/test-models/samples/teacup/teacup.xmile', 'utf8');
    const r = run(text);
    const canonical = (await readFile('../shared/test-models/samples/teacup/output.csv', 'utf8')).trim().split(/\r\n|\r|\n/);
    const columns = canonical[0]!.split(',');
    const tea = columns.indexOf('Teacup Temperature');
    const last = canonical.at(-1)!.split(',');
    expect(series(r, 'Teacup Temperature').at(-1)).toBeCloseTo(Number(last[tea]), 3);
  });
});
