/** Pieces every cwb command line is made of: options and their values, numbers, lists of names. */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Walks a command's arguments: `positional` gets those not starting with --, `option` each option
 * with a reader for its value (after "=" or the next argument).
 */
export function walkArgs(rest: readonly string[], positional: (arg: string) => void, option: (flag: string, value: () => string, inline: boolean) => void): void {
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!flag.startsWith('--')) {
      positional(arg);
      continue;
    }
    option(flag, () => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value.`);
      return next;
    }, eq > 0);
  }
}

export function parseIntegration(text: string, flag: string): 'euler' | 'rk2' | 'rk4' {
  const m = text.toLowerCase();
  if (m !== 'euler' && m !== 'rk2' && m !== 'rk4') throw new UsageError(`${flag} must be euler, rk2 or rk4, not "${m}".`);
  return m;
}

export function parseSet(text: string): { name: string; values: number[] } {
  const eq = text.lastIndexOf('=');
  if (eq <= 0) throw new UsageError(`--set needs name=value, got "${text}".`);
  const name = text.slice(0, eq).trim();
  const values = text.slice(eq + 1).split(',').map((s) => parseNumber(s, `--set ${name}`));
  return { name, values };
}

/** A number as written in models: 12, 1.5e3, 20%. */
export function parseNumber(text: string, what: string): number {
  const t = text.trim();
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)(%?)$/.exec(t);
  if (!m) throw new UsageError(`${what}: "${text}" is not a number.`);
  const [mantissa, exponent] = m[1]!.toLowerCase().split('e');
  return m[2] ? Number(`${mantissa}e${Number(exponent ?? 0) - 2}`) : Number(m[1]);
}

/** Splits `a,b[x,y],c` at commas outside brackets. */
export function splitNames(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}
