import { describe, expect, test } from 'vitest';
import { compileSource } from '../engine/src/index.js';

/**
 * Diagnostics of broken models: each test is one small model with the exact message, position
 * (1-based line and column), severity and code of every problem the engine should report — no
 * more, no fewer. Messages are read by commissioners, not programmers.
 */

type Row = [line: number, column: number, severity: 'error' | 'warning', code: string, message: string];

function diagnose(source: string): Row[] {
  return compileSource(source, 'broken.cwm').diagnostics.map((d) => [d.line, d.column, d.severity, d.code, d.message]);
}

describe('syntax errors', () => {
  test('a character that has no meaning in an equation', () => {
    expect(
      diagnose(`const rate = 5
aux x = rate @ 2
`),
    ).toEqual([[2, 14, 'error', 'syntax', 'Unexpected character \'@\' after the equation of "x"; expected the end of the line.']]);
  });

  test('an unclosed bracket names the bracket that was left open', () => {
    expect(
      diagnose(`const a = 1
aux total = (a + 2 * (a - 1)
aux other = 3
`),
    ).toEqual([[2, 29, 'error', 'syntax', 'Expected ")" to close the bracket opened at line 2, column 13, found the end of the line.']]);
  });

  test('an unclosed bracket on the last line is reported on that line', () => {
    expect(
      diagnose(`aux growth = (1 + 2
`),
    ).toEqual([[1, 20, 'error', 'syntax', 'Expected ")" to close the bracket opened at line 1, column 14, found the end of the line.']]);
  });

  test('an "=" with nothing after it', () => {
    expect(
      diagnose(`const "Places commissioned" [places] =
const b = 2
`),
    ).toEqual([[1, 39, 'error', 'syntax', 'The equation is incomplete: expected a number, a name or "(" before the end of the line.']]);
  });

  test('a value without the "=" in front of it', () => {
    expect(
      diagnose(`const "Weeks per year" [week/year] 52
`),
    ).toEqual([[1, 36, 'error', 'syntax', 'Expected "=" before the equation of "Weeks per year", found \'52\'.']]);
  });

  test('a property line the statement does not have', () => {
    expect(
      diagnose(`stock Residents [people] = 100
  outflow: leaving
  colour: blue
flow leaving [people/year] = 5
`),
    ).toEqual([[3, 3, 'error', 'syntax', '"colour" is not a property of a stock. Allowed here: doc, target, better, amber, inflow, outflow, non-negative, conveyor (with transit time, capacity, inflow limit, arrest, sample), queue.']]);
  });

  test('a line that is neither a statement nor a property', () => {
    expect(
      diagnose(`aux a = 1
this is wrong
aux b = 2
`),
    ).toEqual([
      [
        2,
        1,
        'error',
        'syntax',
        'Expected a property of the aux above (such as "doc:") or a new statement starting with stock, flow, aux, const, graph or dimension; found \'this\'.',
      ],
    ]);
  });

  test('a quoted name without its closing quote is one error, not two', () => {
    expect(
      diagnose(`const "Length of stay = 3
aux b = 2
`),
    ).toEqual([[1, 7, 'error', 'syntax', 'This quoted name or text has no closing quote (") on the same line.']]);
  });

  test('a name starting with a digit is one error that says so', () => {
    expect(
      diagnose(`const 85plus = 1
`),
    ).toEqual([[1, 7, 'error', 'syntax', 'A name cannot start with a digit: write "85plus" in double quotes, or start it with a letter.']]);
  });
});

describe('names and functions', () => {
  test('a misspelt variable gets a "Did you mean"', () => {
    expect(
      diagnose(`const "Average length of stay" [years] = 2.3
stock Residents [people] = 100
  outflow: leaving
flow leaving [people/year] = Residents / "Average lenght of stay"
`),
    ).toEqual([
      [4, 42, 'error', 'unknown-name', 'Unknown variable "Average lenght of stay". Did you mean "Average length of stay"?'],
    ]);
  });

  test('an unknown function, with a suggestion when one is close', () => {
    expect(
      diagnose(`aux a = SMTH(1, 2)
aux b = squareroot(4)
`),
    ).toEqual([
      [1, 9, 'error', 'unknown-function', 'Unknown function "SMTH". Did you mean SMTH1?'],
      [2, 9, 'error', 'unknown-function', 'Unknown function "squareroot".'],
    ]);
  });

  test('too few and too many arguments show the signature', () => {
    expect(
      diagnose(`const x = 1
aux a = DELAY3(x)
aux b = ABS(x, 2)
`),
    ).toEqual([
      [2, 9, 'error', 'wrong-arguments', 'DELAY3 takes 2 to 3 arguments (DELAY3(input, delay time [, initial])) but 1 was given.'],
      [3, 9, 'error', 'wrong-arguments', 'ABS takes 1 argument (ABS(x)) but 2 were given.'],
    ]);
  });

  test('functions with underscores are named as the user writes them', () => {
    expect(
      diagnose(`const x = 1
aux c = IF_THEN_ELSE(x > 0, 1)
aux d = ACTIVE_INITIAL(x)
`),
    ).toEqual([
      [2, 9, 'error', 'wrong-arguments', 'IF_THEN_ELSE takes 3 arguments (IF_THEN_ELSE(condition, a, b)) but 2 were given.'],
      [3, 9, 'error', 'wrong-arguments', 'ACTIVE_INITIAL takes 2 arguments (ACTIVE_INITIAL(value, initial value)) but 1 was given.'],
    ]);
  });

  test('the arguments of a call with the wrong number of arguments are still checked', () => {
    expect(
      diagnose(`const "Length of stay" [years] = 2.3
aux smoothed = SMTH1("Lenght of stay")
`),
    ).toEqual([
      [2, 16, 'error', 'wrong-arguments', 'SMTH1 takes 2 to 3 arguments (SMTH1(input, averaging time [, initial])) but 1 was given.'],
      [2, 22, 'error', 'unknown-name', 'Unknown variable "Lenght of stay". Did you mean "Length of stay"?'],
    ]);
  });

  test('duplicate names: same name spelt differently, a variable named like a dimension, a dimension twice', () => {
    expect(
      diagnose(`const "Length of stay" = 2
aux length_of_stay = 3
dimension Age: young, old, Young
aux age = 1
dimension Age: child
`),
    ).toEqual([
      [2, 5, 'error', 'duplicate-name', '"length_of_stay" is already defined at line 1; each variable needs its own name.'],
      [3, 28, 'error', 'duplicate-name', 'The element "Young" appears twice in dimension "Age".'],
      [4, 5, 'error', 'duplicate-name', '"age" is already the name of a dimension; choose another name for this aux.'],
      [5, 11, 'error', 'duplicate-name', 'The dimension "Age" is declared twice.'],
    ]);
  });

  test('built-in names cannot be reused', () => {
    expect(
      diagnose(`const dt = 1
aux Time = 2
`),
    ).toEqual([
      [1, 7, 'error', 'reserved-name', '"dt" is a built-in name (DT); choose another name for this const.'],
      [2, 5, 'error', 'reserved-name', '"Time" is a built-in name (TIME); choose another name for this aux.'],
    ]);
  });

  test('a word of the equation language cannot be a name', () => {
    expect(
      diagnose(`aux if = 3
`),
    ).toEqual([
      [1, 5, 'error', 'reserved-name', '"if" is a word of the equation language (if, then, else, and, or, not, mod); choose another name for this aux.'],
    ]);
  });

  test('a syntax error in one variable does not make it unknown everywhere else', () => {
    expect(
      diagnose(`const "Length of stay" [years] = 2.3 +
aux turnover [1/year] = 1 / "Length of stay"
`),
    ).toEqual([[1, 39, 'error', 'syntax', 'The equation is incomplete: expected a number, a name or "(" before the end of the line.']]);
  });

  test("a syntax error in a stock's first line does not turn its flows into errors", () => {
    expect(
      diagnose(`stock S [people] = 10 10
  outflow: f
flow f = S / 2
`),
    ).toEqual([[1, 23, 'error', 'syntax', 'Unexpected \'10\' after the equation of "S"; expected the end of the line.']]);
  });
});

describe('arrays', () => {
  test('an unknown dimension, with a suggestion when one is close', () => {
    expect(
      diagnose(`dimension AgeBand: 65-74, 75-84, 85+
const rate[AgeBnd] = 1
const r2[Ages] = 1
`),
    ).toEqual([
      [2, 12, 'error', 'unknown-dimension', 'Unknown dimension "AgeBnd". Did you mean "AgeBand"?'],
      [3, 10, 'error', 'unknown-dimension', 'Unknown dimension "Ages". Declare it with a line like  dimension AgeBand: 65-69, 70-74'],
    ]);
  });

  test('a misspelt dimension is reported once, not again at every use of the variable', () => {
    expect(
      diagnose(`dimension AgeBand: 65-74, 75-84, 85+
const rate[AgeBnd] [1/year] = 1.8%, 5%, 14%
aux oldest [1/year] = rate[85+]
`),
    ).toEqual([[2, 12, 'error', 'unknown-dimension', 'Unknown dimension "AgeBnd". Did you mean "AgeBand"?']]);
  });

  test('unknown elements and positions list what exists', () => {
    expect(
      diagnose(`dimension AgeBand: 65-74, 75-84, 85+
const pop[AgeBand] = 1, 2, 3
aux oldest = pop[85 plus]
aux x = pop[75-85]
aux y = pop[4]
`),
    ).toEqual([
      [3, 18, 'error', 'unknown-element', '"85 plus" is not an element of dimension "AgeBand" (its elements are 65-74, 75-84, 85+).'],
      [4, 13, 'error', 'unknown-element', '"75-85" is not an element of dimension "AgeBand" (its elements are 65-74, 75-84, 85+). Did you mean "75-84"?'],
      [5, 13, 'error', 'unknown-element', 'Position 4 is outside dimension "AgeBand", which has 3 elements.'],
    ]);
  });

  test('the wrong number of subscripts', () => {
    expect(
      diagnose(`dimension Age: young, old
dimension Area: north, south
const p[Age, Area] = 1, 2; 3, 4
aux a = p[young]
const s = 1
aux b = s[young]
`),
    ).toEqual([
      [4, 9, 'error', 'subscript', '"p" has 2 dimensions (Age, Area) but 1 subscript is given.'],
      [6, 9, 'error', 'subscript', '"s" has no dimensions, so it cannot take [young].'],
    ]);
  });

  test('[*] outside SUM and the other reductions', () => {
    expect(
      diagnose(`dimension Age: young, old
const p[Age] = 1, 2
aux total = p[*] + 1
`),
    ).toEqual([[3, 15, 'error', 'subscript', '[*] means "every element" and can only be used inside SUM, MEAN, MIN, MAX, PROD, STDDEV or SIZE.']]);
  });

  test('array elements left without an equation', () => {
    expect(
      diagnose(`dimension AgeBand: 65-74, 75-84, 85+
aux x[AgeBand]
  [65-74] = 1
  [85+] = 3
`),
    ).toEqual([
      [2, 5, 'error', 'missing-equation', '"x" has no equation for [75-84]. Give every element an equation, or add a default "= …" after the name.'],
    ]);
  });

  test('a list with too few values is one error, not also "no equation"', () => {
    expect(
      diagnose(`dimension AgeBand: 65-74, 75-84, 85+
const "mortality rate"[AgeBand] [1/year] = 1.8%, 5%
`),
    ).toEqual([[2, 44, 'error', 'subscript', '"mortality rate" has 3 elements but 2 values are listed.']]);
  });

  test('a thousands separator in a single number is one error, not also "no initial value"', () => {
    expect(
      diagnose(`stock Residents [people] = 1,150
`),
    ).toEqual([[1, 28, 'error', 'subscript', '"Residents" has no dimensions, so it takes one value, not a list.']]);
  });
});

describe('structure and equations', () => {
  test('stock inflows and outflows that are not flows', () => {
    expect(
      diagnose(`stock Waiting [people] = 50
  inflow: referrals
  outflow: Waiting
const referrals [people/year] = 10
`),
    ).toEqual([
      [2, 11, 'error', 'bad-stock-flow', '"referrals" is a const, not a flow, so it cannot be an inflow of stock "Waiting". Declare it with "flow".'],
      [3, 12, 'error', 'bad-stock-flow', '"Waiting" is a stock, not a flow, so it cannot be an outflow of stock "Waiting". Declare it with "flow".'],
    ]);
  });

  test('variables without an equation or initial value', () => {
    expect(
      diagnose(`aux a
stock S
flow f [people/year]
`),
    ).toEqual([
      [1, 5, 'error', 'missing-equation', '"a" has no equation: add "= …" after its name.'],
      [2, 7, 'error', 'missing-equation', '"S" has no initial value: add "= …" after its name.'],
      [3, 6, 'error', 'missing-equation', '"f" has no equation: add "= …" after its name.'],
    ]);
  });

  test('a DELAYN order that changes during the run', () => {
    expect(
      diagnose(`aux input = 10
aux order = ROUND(TIME)
aux out = DELAYN(input, 2, order)
`),
    ).toEqual([
      [
        3,
        28,
        'error',
        'not-constant',
        'The order of DELAYN must be a fixed whole number from 1 to 100 (a number or a constant), because it sets how many stages the delay has.',
      ],
    ]);
  });
});

describe('simulation settings', () => {
  test('stop before start and an unknown method are both reported', () => {
    expect(
      diagnose(`simulation
  start: 2035
  stop: 2025
  method: rk5
aux a = 1
`),
    ).toEqual([
      [3, 9, 'error', 'sim-spec', 'The stop time (2025) must be after the start time (2035).'],
      [4, 11, 'error', 'sim-spec', 'Unknown integration method "rk5": use euler, rk2 or rk4.'],
    ]);
  });

  test('dt that does not divide the run, a save interval that does not divide into dt steps, a negative seed', () => {
    expect(
      diagnose(`simulation
  start: 2025
  stop: 2035
  dt: 0.3
  save every: 0.45
  seed: -1
`),
    ).toEqual([
      [4, 7, 'error', 'sim-spec', 'The run length (10) is not a whole number of time steps of 0.3.'],
      [5, 15, 'error', 'sim-spec', 'The save interval (0.45) must be a whole number of time steps of 0.3.'],
      [6, 9, 'error', 'sim-spec', 'The random seed must be a whole number of 0 or more (it is -1).'],
    ]);
  });

  test('a method name with a hyphen is one error naming the whole word', () => {
    expect(
      diagnose(`simulation
  start: 0
  stop: 10
  method: runge-kutta
`),
    ).toEqual([[4, 11, 'error', 'sim-spec', 'Unknown integration method "runge-kutta": use euler, rk2 or rk4.']]);
  });
});

describe('graphs', () => {
  test('x values that go down, and x and y lists of different lengths', () => {
    expect(
      diagnose(`aux occupancy = 0.9
graph pressure = occupancy
  points: (0.5, 1.0), (0.85, 1.0), (0.8, 0.7)
graph fallback = occupancy
  x: 0.5, 0.85, 1.0
  y: 1.0, 0.7
`),
    ).toEqual([
      [3, 3, 'error', 'graph', 'The x values of graph "pressure" must increase: 0.8 comes after 0.85.'],
      [5, 3, 'error', 'graph', 'Graph "fallback" has 3 x values but 2 y values; they must pair up.'],
    ]);
  });

  test('a repeated x value is described as repeated', () => {
    expect(
      diagnose(`aux occupancy = 0.9
graph pressure = occupancy
  points: (0.5, 1.0), (0.85, 1.0), (0.85, 0.7), (1.0, 0.5)
`),
    ).toEqual([[3, 3, 'error', 'graph', 'The x values of graph "pressure" must increase: 0.85 appears twice.']]);
  });

  test('a point without its y value is one syntax error, not also a count mismatch', () => {
    expect(
      diagnose(`graph pressure = 1
  points: (0, 1), (1)
`),
    ).toEqual([[2, 21, 'error', 'syntax', 'Expected "," between the x and y of a point, found \')\'.']]);
  });
});

describe('loops', () => {
  test('an algebraic loop of three variables names all three', () => {
    expect(
      diagnose(`aux "Staff needed" [staff] = "Visits planned" / "Visits per staff"
aux "Visits planned" [visits] = Capacity * 1
aux Capacity [visits] = "Staff needed" * "Visits per staff"
const "Visits per staff" [visits/staff] = 20
`),
    ).toEqual([
      [
        1,
        5,
        'error',
        'algebraic-loop',
        'Algebraic loop: "Staff needed" needs "Visits planned" needs "Capacity" needs "Staff needed", all within the same time step with no stock in between. Break the loop with a stock or a delay such as SMTH1 or DELAY1.',
      ],
    ]);
  });

  test('an aux defined in terms of itself', () => {
    expect(
      diagnose(`aux demand = demand * 1.1
`),
    ).toEqual([
      [
        1,
        5,
        'error',
        'algebraic-loop',
        'Algebraic loop: "demand" depends on itself within the same time step. Break the loop with a stock or a delay such as SMTH1 or DELAY1.',
      ],
    ]);
  });

  test('two separate algebraic loops are both reported', () => {
    expect(
      diagnose(`aux a = b
aux b = a
aux c = d
aux d = c
`),
    ).toEqual([
      [1, 5, 'error', 'algebraic-loop', 'Algebraic loop: "a" needs "b" needs "a", all within the same time step with no stock in between. Break the loop with a stock or a delay such as SMTH1 or DELAY1.'],
      [3, 5, 'error', 'algebraic-loop', 'Algebraic loop: "c" needs "d" needs "c", all within the same time step with no stock in between. Break the loop with a stock or a delay such as SMTH1 or DELAY1.'],
    ]);
  });

  test('stocks whose initial values need each other', () => {
    expect(
      diagnose(`stock Waiting [people] = Treated * 2
  inflow: referrals
stock Treated [people] = Waiting / 2
  inflow: treatment
flow referrals [people/year] = 5
flow treatment [people/year] = 5
`),
    ).toEqual([
      [
        1,
        7,
        'error',
        'init-loop',
        'Initial values depend on each other in a loop: "Waiting" needs "Treated" needs "Waiting". Give one of the stocks in it a starting value that does not depend on the others.',
      ],
    ]);
  });

  test('an algebraic loop is reported alongside an unrelated error elsewhere', () => {
    expect(
      diagnose(`aux "Staff needed" = "Visits planned" / 20
aux "Visits planned" = "Staff needed" * 20
aux budget = "Weekly fee" * 52
`),
    ).toEqual([
      [1, 5, 'error', 'algebraic-loop', 'Algebraic loop: "Staff needed" needs "Visits planned" needs "Staff needed", all within the same time step with no stock in between. Break the loop with a stock or a delay such as SMTH1 or DELAY1.'],
      [3, 14, 'error', 'unknown-name', 'Unknown variable "Weekly fee".'],
    ]);
  });

  test('a stock whose initial value needs itself', () => {
    expect(
      diagnose(`stock "People waiting" [people] = "People waiting" + 100
`),
    ).toEqual([
      [1, 7, 'error', 'init-loop', 'The initial value of stock "People waiting" depends on itself; give it a starting value that does not use "People waiting".'],
    ]);
  });

});

describe('units', () => {
  test('adding people to years is a warning at the + sign', () => {
    expect(
      diagnose(`const "Older people" [people] = 40000
const "Length of stay" [years] = 2.3
aux total = "Older people" + "Length of stay"
`),
    ).toEqual([[3, 28, 'warning', 'units', 'Units do not match in "+": person and year.']]);
  });

  test('an equation whose units differ from the declared ones', () => {
    expect(
      diagnose(`const "Older people" [people] = 40000
const "Length of stay" [years] = 2.3
aux total [people] = "Older people" * "Length of stay"
`),
    ).toEqual([[3, 22, 'warning', 'units', 'Units of "total" do not match: its equation gives person*year but it is declared as person.']]);
  });

  test('a flow that is not in stock units per time unit', () => {
    expect(
      diagnose(`simulation
  time unit: year
stock Residents [people] = 100
  inflow: admissions
  outflow: leaving
flow admissions [people] = 20
flow leaving [people/year] = Residents / "Length of stay"
const "Length of stay" [years] = 2.3
`),
    ).toEqual([
      [6, 17, 'warning', 'units', 'Flow "admissions" is in person but it fills or drains stock "Residents", so it should be in person/year.'],
    ]);
  });

  test('without a time unit a flow must still be per unit of time', () => {
    expect(
      diagnose(`stock Residents [people] = 100
  outflow: leaving
flow leaving [GBP/year] = 2
`),
    ).toEqual([
      [
        3,
        14,
        'warning',
        'units',
        'Flow "leaving" is in £/year but it fills or drains stock "Residents" (in person), so it should be in person per unit of time, such as person/year.',
      ],
    ]);
  });

  test('comparing people with money', () => {
    expect(
      diagnose(`const a [people] = 1
const b [GBP] = 2
aux c = if a > b then 1 else 0
aux d = MAX(a, b)
`),
    ).toEqual([
      [3, 14, 'warning', 'units', 'Units do not match in the comparison ">": person and £.'],
      [4, 9, 'warning', 'units', 'Units do not match in MAX: person and £.'],
    ]);
  });

  test('units that cannot be read', () => {
    expect(
      diagnose(`const a [people//year] = 1
const b [people per] = 1
`),
    ).toEqual([
      [1, 9, 'error', 'bad-units', 'The units of "a" cannot be read: Unexpected \'/\' in units.'],
      [2, 9, 'error', 'bad-units', 'The units of "b" cannot be read: Units are incomplete: expected a unit name after the operator.'],
    ]);
  });
});

describe('several problems at once', () => {
  test('every independent error in a model is reported, in order', () => {
    expect(
      diagnose(`simulation
  start: 2025
  stop: 2020
  method: rk5

dimension AgeBand: 65-74, 75-84, 85+

stock "Older population"[AgeBand] [people] = 21000, 13500, 5200
  inflow: births
  outflow: deaths
  colour: grey

flow deaths[AgeBand] [people/year] = "Older population" * "mortality rte"
const "mortality rate"[AgeBand] [1/year] = 1.8%, 5%, 14%
aux "Population 85+" [people] = "Older population"[90+]
aux "Population 65+" [people] = SUM("Older population"[*]) +
aux check = SQRT(2, 2)
aux growth = (1 + 2
const dt = 0.25
`),
    ).toEqual([
      [3, 9, 'error', 'sim-spec', 'The stop time (2020) must be after the start time (2025).'],
      [4, 11, 'error', 'sim-spec', 'Unknown integration method "rk5": use euler, rk2 or rk4.'],
      [9, 11, 'error', 'unknown-name', 'The inflow "births" of stock "Older population" is not defined.'],
      [11, 3, 'error', 'syntax', '"colour" is not a property of a stock. Allowed here: doc, target, better, amber, inflow, outflow, non-negative, conveyor (with transit time, capacity, inflow limit, arrest, sample), queue.'],
      [13, 59, 'error', 'unknown-name', 'Unknown variable "mortality rte". Did you mean "mortality rate"?'],
      [15, 52, 'error', 'unknown-element', '"90+" is not an element of dimension "AgeBand" (its elements are 65-74, 75-84, 85+).'],
      [16, 61, 'error', 'syntax', 'The equation is incomplete: expected a number, a name or "(" before the end of the line.'],
      [17, 13, 'error', 'wrong-arguments', 'SQRT takes 1 argument (SQRT(x)) but 2 were given.'],
      [18, 20, 'error', 'syntax', 'Expected ")" to close the bracket opened at line 18, column 14, found the end of the line.'],
      [19, 7, 'error', 'reserved-name', '"dt" is a built-in name (DT); choose another name for this const.'],
    ]);
  });
});
