/**
 * Units of measure as products of named base units with integer powers:
 * `people/year` is {person: 1, year: -1}. Plurals and common abbreviations are folded together so
 * `people`, `persons` and `person` agree.
 */
export type Unit = ReadonlyMap<string, number>;

export const DIMENSIONLESS: Unit = new Map();

const ALIASES: ReadonlyMap<string, string> = new Map([
  ['people', 'person'],
  ['persons', 'person'],
  ['yr', 'year'],
  ['yrs', 'year'],
  ['years', 'year'],
  ['annum', 'year'],
  ['wk', 'week'],
  ['wks', 'week'],
  ['mo', 'month'],
  ['hr', 'hour'],
  ['hrs', 'hour'],
  ['min', 'minute'],
  ['mins', 'minute'],
  ['gbp', '£'],
  ['pound', '£'],
  ['pounds', '£'],
  ['usd', '$'],
  ['dollar', '$'],
  ['dollars', '$'],
  ['eur', '€'],
  ['euro', '€'],
  ['euros', '€'],
]);

const DIMENSIONLESS_WORDS: ReadonlySet<string> = new Set(['1', 'dimensionless', 'unitless', 'dmnl', 'fraction', 'ratio', '%', 'percent']);

function singular(word: string): string {
  const w = word.toLowerCase();
  const alias = ALIASES.get(w);
  if (alias) return alias;
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) return w.slice(0, -1);
  return w;
}

/** Folds a (possibly multi-word) unit name: `Home care hours` → `home care hour`. */
export function baseUnitKey(name: string): string {
  const words = name.trim().split(/[\s_]+/);
  const last = words.length - 1;
  return words.map((w, i) => (i === last ? singular(w) : w.toLowerCase())).join(' ');
}

export class UnitSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type UnitToken = { kind: 'word' | 'num' | 'op'; text: string; offset: number };

function lexUnits(text: string): UnitToken[] {
  const out: UnitToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ('*/^()'.includes(c)) {
      out.push({ kind: 'op', text: c, offset: i });
      i++;
      continue;
    }
    const num = /^-?[0-9]+/.exec(text.slice(i));
    if (num && (c !== '-' || out[out.length - 1]?.text === '^')) {
      out.push({ kind: 'num', text: num[0], offset: i });
      i += num[0].length;
      continue;
    }
    const word = /^(?:[\p{L}£$€%_][\p{L}\p{N}£$€_]*(?:-[\p{L}][\p{L}\p{N}_]*)*)/u.exec(text.slice(i));
    if (word) {
      out.push({ kind: 'word', text: word[0], offset: i });
      i += word[0].length;
      continue;
    }
    throw new UnitSyntaxError(`The character '${c}' cannot be used in units. Write units like people/year, £/week or home care hours per week.`, i);
  }
  return out;
}

/** Parses unit text such as `people/year`, `£ per bed-day`, `person*year`, `1/year^2`. */
export function parseUnits(text: string): Unit {
  const tokens = lexUnits(text);
  let p = 0;
  const peek = (): UnitToken | undefined => tokens[p];

  const product = (): Unit => {
    let acc = factor();
    for (;;) {
      const t = peek();
      if (!t) return acc;
      if (t.kind === 'op' && (t.text === '*' || t.text === '/')) {
        p++;
        const rhs = factor();
        acc = t.text === '*' ? multiplyUnits(acc, rhs) : divideUnits(acc, rhs);
      } else if (t.kind === 'word' && t.text.toLowerCase() === 'per') {
        p++;
        acc = divideUnits(acc, factor());
      } else if (t.kind === 'op' && t.text === ')') {
        return acc;
      } else {
        throw new UnitSyntaxError(`Unexpected '${t.text}' in units: join unit names with *, / or "per".`, t.offset);
      }
    }
  };

  const factor = (): Unit => {
    const t = peek();
    if (!t) throw new UnitSyntaxError('Units are incomplete: expected a unit name after the operator.', text.length);
    let base: Unit;
    if (t.kind === 'op' && t.text === '(') {
      p++;
      base = product();
      const close = peek();
      if (!close || close.text !== ')') throw new UnitSyntaxError('Missing ")" in units.', close ? close.offset : text.length);
      p++;
    } else if (t.kind === 'num') {
      if (t.text !== '1') throw new UnitSyntaxError(`The number ${t.text} cannot be a unit; use 1 for "no units".`, t.offset);
      p++;
      base = DIMENSIONLESS;
    } else if (t.kind === 'word') {
      p++;
      // Several words in a row name one unit: "home care hours".
      const words = [t.text];
      while (peek()?.kind === 'word' && peek()!.text.toLowerCase() !== 'per') words.push(tokens[p++]!.text);
      const name = words.join(' ');
      base = DIMENSIONLESS_WORDS.has(name.toLowerCase()) ? DIMENSIONLESS : new Map([[baseUnitKey(name), 1]]);
    } else {
      throw new UnitSyntaxError(`Unexpected '${t.text}' in units.`, t.offset);
    }
    if (peek()?.text === '^') {
      p++;
      const e = peek();
      if (!e || e.kind !== 'num') throw new UnitSyntaxError('Expected a whole number after ^ in units.', e ? e.offset : text.length);
      p++;
      base = powerUnits(base, Number(e.text));
    }
    return base;
  };

  if (tokens.length === 0) return DIMENSIONLESS;
  const result = product();
  if (p < tokens.length) throw new UnitSyntaxError(`Unexpected '${tokens[p]!.text}' in units.`, tokens[p]!.offset);
  return result;
}

export function multiplyUnits(a: Unit, b: Unit): Unit {
  const out = new Map(a);
  for (const [k, e] of b) {
    const sum = (out.get(k) ?? 0) + e;
    if (sum === 0) out.delete(k);
    else out.set(k, sum);
  }
  return out;
}

export function powerUnits(a: Unit, n: number): Unit {
  if (n === 0) return DIMENSIONLESS;
  const out = new Map<string, number>();
  for (const [k, e] of a) out.set(k, e * n);
  return out;
}

export function divideUnits(a: Unit, b: Unit): Unit {
  return multiplyUnits(a, powerUnits(b, -1));
}

export function sameUnits(a: Unit, b: Unit): boolean {
  if (a.size !== b.size) return false;
  for (const [k, e] of a) if (b.get(k) !== e) return false;
  return true;
}

export function isDimensionless(a: Unit): boolean {
  return a.size === 0;
}

/** Readable form: `person/year`, `£/(person*week)`, `1/year`, `1` for no units. */
export function formatUnits(u: Unit): string {
  const entries = [...u.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const part = (list: [string, number][]): string =>
    list.map(([k, e]) => (Math.abs(e) === 1 ? k : `${k}^${Math.abs(e)}`)).join('*');
  const num = entries.filter(([, e]) => e > 0);
  const den = entries.filter(([, e]) => e < 0);
  const top = num.length ? part(num) : '1';
  if (!den.length) return top;
  const bottom = part(den);
  return `${top}/${den.length > 1 ? `(${bottom})` : bottom}`;
}
