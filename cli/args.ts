/** Parses the command line of `cwb`. Pure, so it is easy to test; errors are UsageError. */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage:
  cwb run <model> [--set name=value]... [--method euler|rk2|rk4] [--dt n] [--seed n]
                  [--csv out.csv] [--vars a,b,...] [--repeat n] [--timing]
  cwb check <model>
  cwb convert <model> <out.cwm|out.xmile|out.stmx>

  run     simulate the model and write CSV (to stdout, or to --csv): a time column,
          then one column per variable (array elements as name[element])
  check   report problems in the model (exit code 1 if there are errors)
  convert write the model (.cwm, .xmile, .stmx, .itmx, .mdl) as .cwm or as XMILE for Stella/ithink

  --repeat n         run the model n times (for timing; default 1)
  --timing           print {compile_ms, run_ms_median, run_ms_min, steps, variables} as JSON
                     instead of the CSV
  --set name=value   change a constant or a stock's initial value for this run;
                     for arrays: --set "rate=1,2,3" or --set "rate[85+]=0.2"
Exit codes: 0 ok, 1 problems in the model or run, 2 wrong command line.`;

export type Command =
  | { readonly command: 'help' }
  | { readonly command: 'check'; readonly model: string }
  | { readonly command: 'convert'; readonly model: string; readonly out: string }
  | {
      readonly command: 'run';
      readonly model: string;
      readonly sets: readonly { readonly name: string; readonly values: readonly number[] }[];
      readonly method?: 'euler' | 'rk2' | 'rk4';
      readonly dt?: number;
      readonly seed?: number;
      readonly csv?: string;
      readonly vars?: readonly string[];
      readonly repeat?: number;
      readonly timing?: boolean;
    };

export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') return { command: 'help' };
  const [command, ...rest] = argv;
  if (command === 'convert') {
    if (rest.length !== 2 || rest.some((a) => a.startsWith('--'))) throw new UsageError('"convert" needs exactly an input model and an output file.');
    return { command, model: rest[0]!, out: rest[1]! };
  }
  if (command !== 'run' && command !== 'check') throw new UsageError(`Unknown command "${command}". Use "run", "check" or "convert".`);
  let model: string | undefined;
  const sets: { name: string; values: number[] }[] = [];
  let method: 'euler' | 'rk2' | 'rk4' | undefined;
  let dt: number | undefined;
  let seed: number | undefined;
  let csv: string | undefined;
  let vars: string[] | undefined;
  let repeat: number | undefined;
  let timing = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value.`);
      return next;
    };
    if (!flag.startsWith('--')) {
      if (model !== undefined) throw new UsageError(`Unexpected argument "${arg}" (the model is already "${model}").`);
      model = arg;
      continue;
    }
    if (command === 'check') throw new UsageError(`"check" takes no option ${flag}.`);
    switch (flag) {
      case '--set':
        sets.push(parseSet(value()));
        break;
      case '--method': {
        const m = value().toLowerCase();
        if (m !== 'euler' && m !== 'rk2' && m !== 'rk4') throw new UsageError(`--method must be euler, rk2 or rk4, not "${m}".`);
        method = m;
        break;
      }
      case '--dt':
        dt = parseNumber(value(), '--dt');
        break;
      case '--seed':
        seed = parseNumber(value(), '--seed');
        break;
      case '--csv':
        csv = value();
        break;
      case '--repeat': {
        const n = parseNumber(value(), '--repeat');
        if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UsageError(`--repeat must be a whole number from 1 to 1000000, not ${n}.`);
        repeat = n;
        break;
      }
      case '--timing':
        if (eq > 0) throw new UsageError('--timing takes no value.');
        timing = true;
        break;
      case '--vars':
        vars = splitNames(value());
        if (vars.length === 0) throw new UsageError('--vars needs at least one variable name.');
        break;
      default:
        throw new UsageError(`Unknown option ${flag}.`);
    }
  }
  if (model === undefined) throw new UsageError(`"${command}" needs a model file.`);
  if (command === 'check') return { command, model };
  return {
    command,
    model,
    sets,
    ...(method ? { method } : {}),
    ...(dt === undefined ? {} : { dt }),
    ...(seed === undefined ? {} : { seed }),
    ...(csv === undefined ? {} : { csv }),
    ...(vars ? { vars } : {}),
    ...(repeat === undefined ? {} : { repeat }),
    ...(timing ? { timing } : {}),
  };
}

function parseSet(text: string): { name: string; values: number[] } {
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
