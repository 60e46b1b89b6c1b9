import { describe, expect, test } from 'vitest';
import { compileSource } from '../engine/src/index.js';

/** [line, column, severity, message] of every diagnostic, in order. */
function diagnose(source: string): [number, number, string, string][] {
  return compileSource(source, 'broken.cwm').diagnostics.map((d) => [d.line, d.column, d.severity, d.message]);
}

describe('broken models get every problem reported, in words a commissioner understands, at the right place', () => {
  test("an unclosed bracket names where it was opened", () => {
    expect(
      diagnose(`aux a = 2 * (3 + 4
aux b = 1
`),
    ).toEqual([
      [1, 19, 'error', "Expected \")\" to close the bracket opened at line 1, column 13, found the end of the line."],
    ]);
  });

  test("a stray symbol after an equation", () => {
    expect(
      diagnose(`aux a = 2 $ 3
`),
    ).toEqual([
      [1, 11, 'error', "Unexpected '$' after the equation of \"a\"; expected the end of the line."],
    ]);
  });

  test("a misspelt name gets a suggestion", () => {
    expect(
      diagnose(`const "Length of stay" = 6
aux turnover = 1 / "Lenght of stay"
`),
    ).toEqual([
      [2, 20, 'error', "Unknown variable \"Lenght of stay\". Did you mean \"Length of stay\"?"],
    ]);
  });

  test("an unknown function gets a suggestion", () => {
    expect(
      diagnose(`aux a = SQRTT(4)
`),
    ).toEqual([
      [1, 9, 'error', "Unknown function \"SQRTT\". Did you mean SQRT?"],
    ]);
  });

  test("too few arguments shows the signature", () => {
    expect(
      diagnose(`aux a = SMTH1(4)
`),
    ).toEqual([
      [1, 9, 'error', "SMTH1 takes 2 to 3 arguments (SMTH1(input, averaging time [, initial])) but 1 was given."],
    ]);
  });

  test("a name defined twice (names ignore case)", () => {
    expect(
      diagnose(`aux a = 1
const A = 2
`),
    ).toEqual([
      [2, 7, 'error', "\"A\" is already defined at line 1; each variable needs its own name."],
    ]);
  });

  test("a built-in name cannot be reused", () => {
    expect(
      diagnose(`aux time = 1
`),
    ).toEqual([
      [1, 5, 'error', "\"time\" is a built-in name (TIME); choose another name for this aux."],
    ]);
  });

  test("an unknown dimension", () => {
    expect(
      diagnose(`aux a[Ages] = 1
`),
    ).toEqual([
      [1, 7, 'error', "Unknown dimension \"Ages\". Declare it with a line like  dimension AgeBand: 65-69, 70-74"],
    ]);
  });

  test("an unknown element lists the real ones", () => {
    expect(
      diagnose(`dimension Age: young, old
const p[Age] = 1, 2
aux x = p[middle]
`),
    ).toEqual([
      [3, 11, 'error', "\"middle\" is not an element of dimension \"Age\" (its elements are young, old)."],
    ]);
  });

  test("an array used where one number is needed", () => {
    expect(
      diagnose(`dimension Age: young, old
const p[Age] = 1, 2
aux x = p * 2
`),
    ).toEqual([
      [3, 9, 'error', "\"p\" is an array over Age; say which element, as in p[young], or add them up with SUM(p[*])."],
    ]);
  });

  test("[*] outside a reduction", () => {
    expect(
      diagnose(`dimension Age: young, old
const p[Age] = 1, 2
aux x[Age] = p[*]
`),
    ).toEqual([
      [3, 16, 'error', "[*] means \"every element\" and can only be used inside SUM, MEAN, MIN, MAX, PROD, STDDEV or SIZE."],
    ]);
  });

  test("a stock inflow that is not a flow", () => {
    expect(
      diagnose(`stock S = 1
  inflow: rate
aux rate = 2
`),
    ).toEqual([
      [2, 11, 'error', "\"rate\" is an aux, not a flow, so it cannot be an inflow of stock \"S\". Declare it with \"flow\"."],
    ]);
  });

  test("array elements without an equation", () => {
    expect(
      diagnose(`dimension Age: young, old, oldest
aux x[Age]
  [young] = 1
`),
    ).toEqual([
      [2, 5, 'error', "\"x\" has no equation for [old], [oldest]. Give every element an equation, or add a default \"= \u2026\" after the name."],
    ]);
  });

  test("an algebraic loop names every variable in it", () => {
    expect(
      diagnose(`aux a = b + 1
aux b = c * 2
aux c = a / 3
`),
    ).toEqual([
      [1, 5, 'error', "Algebraic loop: \"a\" needs \"b\" needs \"c\" needs \"a\", all within the same time step with no stock in between. Break the loop with a stock or a delay such as SMTH1 or DELAY1."],
    ]);
  });

  test("a variable defined in terms of itself", () => {
    expect(
      diagnose(`aux a = a + 1
`),
    ).toEqual([
      [1, 5, 'error', "Algebraic loop: \"a\" depends on itself within the same time step. Break the loop with a stock or a delay such as SMTH1 or DELAY1."],
    ]);
  });

  test("stocks whose initial values need each other", () => {
    expect(
      diagnose(`stock A = B
stock B = A
`),
    ).toEqual([
      [1, 7, 'error', "Initial values depend on each other in a loop: \"A\" needs \"B\" needs \"A\". Give one of the stocks in it a starting value that does not depend on the others."],
    ]);
  });

  test("adding people to years is a unit warning at the operator", () => {
    expect(
      diagnose(`const people [people] = 10
const years [years] = 2
aux mixed = people + years
`),
    ).toEqual([
      [3, 20, 'warning', "Units do not match in \"+\": person and year."],
    ]);
  });

  test("a flow not per unit of time is a unit warning", () => {
    expect(
      diagnose(`stock S [people] = 1
  inflow: f
flow f [people] = 2
`),
    ).toEqual([
      [3, 8, 'warning', "Flow \"f\" is in person but it fills or drains stock \"S\" (in person), so it should be in person per unit of time, such as person/year."],
    ]);
  });

  test("impossible simulation settings", () => {
    expect(
      diagnose(`simulation
  start: 10
  stop: 5
  dt: 0.3
  method: midpoint
`),
    ).toEqual([
      [3, 9, 'error', "The stop time (5) must be after the start time (10)."],
      [5, 11, 'error', "Unknown integration method \"midpoint\": use euler, rk2 or rk4."],
    ]);
  });

  test("graph points that do not increase or do not pair up", () => {
    expect(
      diagnose(`graph g
  points: (0, 1), (2, 3), (1, 4)
graph h
  x: 0, 1, 2
  y: 1, 2
`),
    ).toEqual([
      [2, 3, 'error', "The x values of graph \"g\" must increase: 1 comes after 2."],
      [4, 3, 'error', "Graph \"h\" has 3 x values but 2 y values; they must pair up."],
    ]);
  });

  test("a DELAYN order that changes during the run", () => {
    expect(
      diagnose(`aux a = DELAYN(1, 2, b)
aux b = TIME
`),
    ).toEqual([
      [1, 22, 'error', "The order of DELAYN must be a fixed whole number from 1 to 100 (a number or a constant), because it sets how many stages the delay has."],
    ]);
  });

  test("several independent errors are all reported", () => {
    expect(
      diagnose(`aux a = 1 +
aux b = undefined_thing
aux c = MAX(1)
stock d = 1
  inflow: nowhere
`),
    ).toEqual([
      [1, 12, 'error', "The equation is incomplete: expected a number, a name or \"(\" before the end of the line."],
      [2, 9, 'error', "Unknown variable \"undefined_thing\"."],
      [5, 11, 'error', "The inflow \"nowhere\" of stock \"d\" is not defined."],
    ]);
  });

  test("an unknown property line", () => {
    expect(
      diagnose(`const x = 5
  colour: red
`),
    ).toEqual([
      [2, 3, 'error', "\"colour\" is not a property of a const. Allowed here: doc, target, better, amber."],
    ]);
  });

  test("a const that changes over time", () => {
    expect(
      diagnose(`const c = TIME
`),
    ).toEqual([
      [1, 7, 'error', "\"c\" is declared const but its value changes during the run (it depends on time, a stock or a changing variable). Declare it as aux instead."],
    ]);
  });

  test("calling a variable like a function", () => {
    expect(
      diagnose(`aux a = 1
aux b = a(2)
`),
    ).toEqual([
      [2, 9, 'error', "\"a\" is an aux, not a graph or function, so it cannot be called with (\u2026)."],
    ]);
  });
  test("a Vensim function name points to ours", () => {
    expect(diagnose(`aux a = SMOOTH(1, 2)\naux b = ZIDZ(1, 0)\n`)).toEqual([
      [1, 9, 'error', 'Unknown function "SMOOTH" (a Vensim or Stella name): here it is SMTH1(input, averaging time [, initial]).'],
      [2, 9, 'error', 'Unknown function "ZIDZ" (a Vensim or Stella name): here it is SAFEDIV(a, b [, x]).'],
    ]);
  });
  test('unit warnings are reported alongside errors elsewhere, and not for the part that has the error', () => {
    expect(diagnose(`const people [people] = 10\nconst years [years] = 2\naux mixed = people + years\naux broken = people * missing\n`)).toEqual([
      [3, 20, 'warning', 'Units do not match in "+": person and year.'],
      [4, 23, 'error', 'Unknown variable "missing".'],
    ]);
  });
  test('a smoothing or delay stage shorter than DT is a warning', () => {
    expect(diagnose(`aux a = SMTH1(TIME, 0.5)\naux b = DELAY3(TIME, 2)\naux c = SMTH1(TIME, 3)\n`)).toEqual([
      [1, 21, 'warning', 'The SMTH1 time (0.5) is shorter than the time step DT (1), so its output will overshoot and oscillate. Use a smaller DT (at most 0.5).'],
      [2, 22, 'warning', 'The DELAY3 stage time (2 / 3 = 0.6667) is shorter than the time step DT (1), so its output will overshoot and oscillate. Use a smaller DT (at most 0.6667).'],
    ]);
  });
  test('an order that changes during the run uses its value at the start, with a warning', () => {
    expect(diagnose(`aux order = 2 + STEP(1, 5)\naux out = SMTHN(TIME, 4, order)\n`)).toEqual([
      [2, 26, 'warning', 'The order of SMTHN changes during the run; the stages are fixed, so its value at the start (2) is used throughout.'],
    ]);
  });
});
