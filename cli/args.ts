/** Parses the command line of `cwb`. Pure, so it is easy to test; errors are UsageError. */
import { parseScenariosArgs, parseSensitivityArgs, type ScenariosCommand, type SensitivityCommand } from './analysis-args.js';
import { parseIntegration, parseNumber, parseSet, splitNames, UsageError, walkArgs } from './arg-helpers.js';

export { parseNumber, splitNames, UsageError } from './arg-helpers.js';


export const USAGE = `Usage:
  cwb run <model> [--set name=value]... [--method euler|rk2|rk4] [--dt n] [--seed n]
                  [--csv out.csv] [--vars a,b,...] [--repeat n] [--timing]
                  [--data "table name=file.csv|file.xlsx"]...
  cwb check <model> [--data "table=file.csv"]...
  cwb convert <model> <out.cwm|out.xmile|out.stmx>
  cwb sensitivity <model> --param "name=uniform(0.1,0.3)"... --outputs a,b
                  [--method mc|lhs|oat|tornado] [--runs N] [--seed S] [--percentiles 5,50,95]
                  [--times 2030,2035] [--samples N] [--scatter 2035] [--set name=value]...
                  [--integration euler|rk2|rk4] [--dt n] [--workers K] [--json out.json] [--csv out.csv]
  cwb scenarios <model|project.cwbproj> [--scenarios defs.json] [--scenario "name: a=1; b=2"]...
                  [--model name] [--compare a,b] [--base a] [--vars a,b] [--times 2030,2035]
                  [--integration euler|rk2|rk4] [--dt n] [--csv out.csv]

  run         simulate the model and write CSV (to stdout, or to --csv): a time column,
              then one column per variable (array elements as name[element])
  check       report problems in the model (exit code 1 if there are errors)
  convert     write the model (.cwm, .xmile, .stmx, .itmx, .mdl) as .cwm or as XMILE for Stella/ithink
  sensitivity run many times with uncertain parameters: statistics per output and time
              (CSV to stdout or --csv; everything, with the spec, to --json)
  scenarios   run named scenarios and compare them: values, differences and % differences
              against the base (the first compared, or --base); "baseline" is the model as it is

  --data t=file      the data table graphs name with  data: "t"  (a .csv, .tsv or .xlsx file;
                     a table named like a file next to the model needs no --data)
  --repeat n         run the model n times (for timing; default 1)
  --timing           print {compile_ms, run_ms_median, run_ms_min, steps, variables} as JSON
                     instead of the CSV
  --set name=value   change a constant or a stock's initial value for this run;
                     for arrays: --set "rate=1,2,3" or --set "rate[85+]=0.2"
  --param            name=uniform(min,max) | triangular(min,mode,max) | normal(mean,sd[,min,max])
                     | lognormal(mean,sd[,min,max]) | discrete(v:p,…) for mc and lhs;
                     name=1,2,3 or name=range(from,to,count) for oat; name=low,high for tornado;
                     name*=… multiplies the base value (name*=uniform(0.8,1.2) is ±20%)
Exit codes: 0 ok, 1 problems in the model or run, 2 wrong command line.`;

export type Command =
  | { readonly command: 'help' }
  | SensitivityCommand
  | ScenariosCommand
  | { readonly command: 'check'; readonly model: string; readonly data?: Readonly<Record<string, string>> }
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
      /** Data tables by name: `--data "Population projections=pop.csv"`. */
      readonly data?: Readonly<Record<string, string>>;
    };

export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') return { command: 'help' };
  const [command, ...rest] = argv;
  if (command === 'convert') {
    if (rest.length !== 2 || rest.some((a) => a.startsWith('--'))) throw new UsageError('"convert" needs exactly an input model and an output file.');
    return { command, model: rest[0]!, out: rest[1]! };
  }
  if (command === 'sensitivity') return parseSensitivityArgs(rest);
  if (command === 'scenarios') return parseScenariosArgs(rest);
  if (command !== 'run' && command !== 'check') throw new UsageError(`Unknown command "${command}". Use "run", "check", "convert", "sensitivity" or "scenarios".`);
  let model: string | undefined;
  const sets: { name: string; values: number[] }[] = [];
  let method: 'euler' | 'rk2' | 'rk4' | undefined;
  let dt: number | undefined;
  let seed: number | undefined;
  let csv: string | undefined;
  let vars: string[] | undefined;
  let repeat: number | undefined;
  let timing = false;
  const data: Record<string, string> = {};
  walkArgs(rest, (arg) => {
    if (model !== undefined) throw new UsageError(`Unexpected argument "${arg}" (the model is already "${model}").`);
    model = arg;
  }, (flag, value, inline) => {
    if (flag === '--data') {
      const text = value();
      const eq = text.indexOf('=');
      if (eq <= 0 || eq === text.length - 1) throw new UsageError(`--data needs "table name=file.csv", got "${text}".`);
      data[text.slice(0, eq).trim()] = text.slice(eq + 1).trim();
      return;
    }
    if (command === 'check') throw new UsageError(`"check" takes no option ${flag} (only --data).`);
    switch (flag) {
      case '--set':
        sets.push(parseSet(value()));
        break;
      case '--method':
        method = parseIntegration(value(), '--method');
        break;
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
        if (inline) throw new UsageError('--timing takes no value.');
        timing = true;
        break;
      case '--vars':
        vars = splitNames(value());
        if (vars.length === 0) throw new UsageError('--vars needs at least one variable name.');
        break;
      default:
        throw new UsageError(`Unknown option ${flag}.`);
    }
  });
  if (model === undefined) throw new UsageError(`"${command}" needs a model file.`);
  const tables = Object.keys(data).length ? { data } : {};
  if (command === 'check') return { command, model, ...tables };
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
    ...tables,
  };
}
