/**
 * The built-in functions of the language (the XMILE standard library plus a few Vensim names).
 * Keys are name keys (lower case, underscores as spaces), so `SMTH1`, `smth1` and `Smth1` match.
 */

export type BuiltinKind =
  /** A pure function of its arguments. */
  | 'math'
  /** Depends on the current time (STEP, PULSE, RAMP). */
  | 'time'
  /** Keeps state between time steps (delays, smooths, INIT, PREVIOUS). */
  | 'stateful'
  /** Draws random numbers: one draw per time step per call site. */
  | 'random'
  /** Reduces an array to one number. */
  | 'reduce'
  /** Works on whole vectors (arguments marked with [*]); its result is one element of a vector. */
  | 'vector';

export interface BuiltinInfo {
  readonly name: string;
  readonly kind: BuiltinKind;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly signature: string;
  readonly summary: string;
  /** Vector functions: which arguments are vectors (written with [*]). */
  readonly vectorArgs?: readonly number[];
  /** Vector functions: how many dimensions the result has (0: one number, 1: a vector, 2: a matrix). */
  readonly resultAxes?: 0 | 1 | 2;
}

function b(name: string, kind: BuiltinKind, minArgs: number, maxArgs: number, signature: string, summary: string): BuiltinInfo {
  return { name, kind, minArgs, maxArgs, signature, summary };
}

const LIST: BuiltinInfo[] = [
  b('ABS', 'math', 1, 1, 'ABS(x)', 'absolute value'),
  b('EXP', 'math', 1, 1, 'EXP(x)', 'e raised to the power x'),
  b('LN', 'math', 1, 1, 'LN(x)', 'natural logarithm'),
  b('LOG10', 'math', 1, 1, 'LOG10(x)', 'base-10 logarithm'),
  b('SQRT', 'math', 1, 1, 'SQRT(x)', 'square root'),
  b('SIN', 'math', 1, 1, 'SIN(x)', 'sine (radians)'),
  b('COS', 'math', 1, 1, 'COS(x)', 'cosine (radians)'),
  b('TAN', 'math', 1, 1, 'TAN(x)', 'tangent (radians)'),
  b('ARCSIN', 'math', 1, 1, 'ARCSIN(x)', 'inverse sine'),
  b('ARCCOS', 'math', 1, 1, 'ARCCOS(x)', 'inverse cosine'),
  b('ARCTAN', 'math', 1, 1, 'ARCTAN(x)', 'inverse tangent'),
  b('SINH', 'math', 1, 1, 'SINH(x)', 'hyperbolic sine'),
  b('COSH', 'math', 1, 1, 'COSH(x)', 'hyperbolic cosine'),
  b('TANH', 'math', 1, 1, 'TANH(x)', 'hyperbolic tangent'),
  b('INT', 'math', 1, 1, 'INT(x)', 'largest whole number not above x'),
  b('ROUND', 'math', 1, 1, 'ROUND(x)', 'nearest whole number (halves away from zero)'),
  b('MOD', 'math', 2, 2, 'MOD(a, b)', 'remainder of a / b, with the sign of b'),
  b('MIN', 'math', 1, 2, 'MIN(a, b) or MIN(array[*])', 'smaller of two values, or smallest element of an array'),
  b('MAX', 'math', 1, 2, 'MAX(a, b) or MAX(array[*])', 'larger of two values, or largest element of an array'),
  b('SAFEDIV', 'math', 2, 3, 'SAFEDIV(a, b [, x])', 'a / b, or x (default 0) when b is 0'),
  b('IF THEN ELSE', 'math', 3, 3, 'IF_THEN_ELSE(condition, a, b)', 'a when condition is true (not 0), otherwise b'),
  b('LOOKUP', 'math', 2, 2, 'LOOKUP(graph, x)', 'value of a graph at x'),
  b('STEP', 'time', 2, 2, 'STEP(height, start)', '0 before start, height from start on'),
  b('PULSE', 'time', 2, 3, 'PULSE(volume, first [, interval])', 'a pulse adding volume in one time step at first (repeating every interval)'),
  b('RAMP', 'time', 2, 3, 'RAMP(slope, start [, end])', '0 before start, then rising by slope per time unit (until end)'),
  b('INIT', 'stateful', 1, 1, 'INIT(x)', 'value of x at the start of the run'),
  b('PREVIOUS', 'stateful', 1, 2, 'PREVIOUS(x [, initial])', 'value of x one time step ago (initial at the start)'),
  b('ACTIVE INITIAL', 'stateful', 2, 2, 'ACTIVE_INITIAL(value, initial value)', 'value during the run, but initial value when the model is being initialised (breaks loops among initial values)'),
  b('DELAY', 'stateful', 2, 3, 'DELAY(input, delay time [, initial])', 'input delayed by exactly delay time (pipeline delay)'),
  b('DELAY1', 'stateful', 2, 3, 'DELAY1(input, delay time [, initial])', 'first-order exponential delay'),
  b('DELAY3', 'stateful', 2, 3, 'DELAY3(input, delay time [, initial])', 'third-order exponential delay'),
  b('DELAYN', 'stateful', 3, 4, 'DELAYN(input, delay time, order [, initial])', 'exponential delay of the given order'),
  b('SMTH1', 'stateful', 2, 3, 'SMTH1(input, averaging time [, initial])', 'first-order exponential smoothing'),
  b('SMTH3', 'stateful', 2, 3, 'SMTH3(input, averaging time [, initial])', 'third-order exponential smoothing'),
  b('SMTHN', 'stateful', 3, 4, 'SMTHN(input, averaging time, order [, initial])', 'exponential smoothing of the given order'),
  b('TREND', 'stateful', 2, 3, 'TREND(input, averaging time [, initial trend])', 'fractional rate of change of input per time unit'),
  b('FORCST', 'stateful', 3, 4, 'FORCST(input, averaging time, horizon [, initial trend])', 'input extrapolated horizon time units ahead'),
  b('UNIFORM', 'random', 2, 3, 'UNIFORM(min, max [, seed])', 'uniform random number, drawn each time step'),
  b('NORMAL', 'random', 2, 3, 'NORMAL(mean, standard deviation [, seed])', 'normal random number, drawn each time step'),
  b('LOGNORMAL', 'random', 2, 3, 'LOGNORMAL(mean, standard deviation [, seed])', 'log-normal random number with this mean and standard deviation'),
  b('EXPRND', 'random', 1, 2, 'EXPRND(mean [, seed])', 'exponential random number'),
  b('POISSON', 'random', 1, 2, 'POISSON(mean [, seed])', 'Poisson random whole number'),
  b('RANDOM NORMAL', 'random', 4, 5, 'RANDOM_NORMAL(min, max, mean, standard deviation [, seed])', 'normal random number truncated to [min, max]'),
  b('RANDOM EXPONENTIAL', 'random', 4, 5, 'RANDOM_EXPONENTIAL(min, max, shift, stretch [, seed])', 'shift + stretch × an exponential random number of mean 1, truncated to [min, max]'),
  b('RANDOM POISSON', 'random', 5, 6, 'RANDOM_POISSON(min, max, mean, shift, stretch [, seed])', 'shift + stretch × a Poisson random number, truncated to [min, max]'),
  b('RANDOM LOGNORMAL', 'random', 6, 7, 'RANDOM_LOGNORMAL(min, max, mean, standard deviation, shift, stretch [, seed])', 'shift + stretch × a log-normal random number with this mean and standard deviation, truncated to [min, max]'),
  b('RANDOM GAMMA', 'random', 5, 6, 'RANDOM_GAMMA(min, max, order, shift, stretch [, seed])', 'shift + stretch × a gamma random number of this order (scale 1), truncated to [min, max]'),
  b('RANDOM BETA', 'random', 6, 7, 'RANDOM_BETA(min, max, alpha, beta, shift, stretch [, seed])', 'shift + stretch × a beta random number, truncated to [min, max]'),
  b('RANDOM WEIBULL', 'random', 5, 6, 'RANDOM_WEIBULL(min, max, shape, shift, stretch [, seed])', 'shift + stretch × a Weibull random number of this shape and mean 1, truncated to [min, max]'),
  b('RANDOM BINOMIAL', 'random', 6, 7, 'RANDOM_BINOMIAL(min, max, probability, trials, shift, stretch [, seed])', 'shift + stretch × the successes in trials tries, truncated to [min, max]'),
  b('RANDOM NEGATIVE BINOMIAL', 'random', 6, 7, 'RANDOM_NEGATIVE_BINOMIAL(min, max, probability, successes, shift, stretch [, seed])', 'shift + stretch × the tries until that many successes, truncated to [min, max]'),
  b('RANDOM LOOKUP', 'random', 5, 6, 'RANDOM_LOOKUP(graph, min, max, shift, stretch [, seed])', "shift + stretch × a random number whose density is the graph's table, truncated to [min, max]"),
  b('RANDOM TRIANGULAR', 'random', 5, 6, 'RANDOM_TRIANGULAR(min, max, start, peak, end [, seed])', 'triangular random number from start through peak to end, truncated to [min, max]'),
  b('SUM', 'reduce', 1, 1, 'SUM(array[*])', 'sum of the elements'),
  b('MEAN', 'reduce', 1, 1, 'MEAN(array[*])', 'mean of the elements'),
  b('PROD', 'reduce', 1, 1, 'PROD(array[*])', 'product of the elements'),
  b('STDDEV', 'reduce', 1, 1, 'STDDEV(array[*])', 'population standard deviation of the elements'),
  b('SIZE', 'reduce', 1, 1, 'SIZE(array[*])', 'number of elements'),
  v('VECTOR SORT ORDER', 2, 2, [0], 1, 'VECTOR_SORT_ORDER(vector[*], direction)', 'positions (0-based, as in Vensim) of the elements in sorted order: ascending when direction > 0, otherwise descending'),
  v('VECTOR RANK', 2, 2, [0], 1, 'VECTOR_RANK(vector[*], direction)', 'rank (1 = first) of each element: smallest first when direction > 0, otherwise largest first'),
  v('VECTOR REORDER', 2, 2, [0, 1], 1, 'VECTOR_REORDER(vector[*], order[*])', 'the elements of vector taken in the order given by 0-based positions (such as a VECTOR_SORT_ORDER)'),
  v('VECTOR SELECT', 5, 5, [0, 1], 0, 'VECTOR_SELECT(selection[*], values[*], missing, action, error action)', 'combines the values whose selection is not 0 (action 0 sum, 1 product, 2 min, 3 max, 4 mean of selection × value; 5 product of value ^ selection; 6–10 sum, product, min, max, mean of the values); missing when none is selected'),
  b('VECTOR ELM MAP', 'vector', 2, 2, 'VECTOR_ELM_MAP(array[element], offset)', 'the element offset positions after the one named (0 is that element itself)'),
  b('VECTOR LOOKUP', 'vector', 5, 5, 'VECTOR_LOOKUP(array[first], x, xmin, xmax, mode)', 'a lookup whose y values are the elements from first along the last dimension, evenly spaced from xmin to xmax; mode 0 interpolate, 1 area, 2 backward, 3 extrapolate, 4 forward, 5 invert, 6 slope, 7–9 area, invert, slope extrapolated'),
  v('ALLOCATE BY PRIORITY', 4, 4, [0, 1], 1, 'ALLOCATE_BY_PRIORITY(request[*], priority[*], width, supply)', 'share supply among requests, higher priority first; priorities closer than width share'),
  v('INVERT MATRIX', 1, 1, [0], 2, 'INVERT_MATRIX(matrix[*, *])', 'the inverse of a square matrix'),
];

function v(name: string, minArgs: number, maxArgs: number, vectorArgs: readonly number[], resultAxes: 0 | 1 | 2, signature: string, summary: string): BuiltinInfo {
  return { name, kind: 'vector', minArgs, maxArgs, signature, summary, vectorArgs, resultAxes };
}

export const BUILTINS: ReadonlyMap<string, BuiltinInfo> = new Map(LIST.map((info) => [info.name.toLowerCase(), info]));

/** Names that read like variables but are built in: TIME, DT, … */
export const BUILTIN_CONSTANTS: ReadonlyMap<string, 'time' | 'dt' | 'start' | 'stop' | 'pi' | 'inf'> = new Map([
  ['time', 'time'],
  ['dt', 'dt'],
  ['starttime', 'start'],
  ['stoptime', 'stop'],
  ['pi', 'pi'],
  ['inf', 'inf'],
] as const);

/** Functions that are arrays reductions when given a single (array) argument. */
export const REDUCING_WITH_ONE_ARG: ReadonlySet<string> = new Set(['min', 'max']);

export function builtinNamesForCompletion(): string[] {
  return [...LIST.map((info) => info.name.replace(/ /g, '_')), 'TIME', 'DT', 'STARTTIME', 'STOPTIME', 'PI', 'INF'];
}
