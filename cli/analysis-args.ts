/** Command lines of `cwb sensitivity` and `cwb scenarios`. Pure; errors are UsageError. */
import { SENSITIVITY_METHODS, type SensitivityMethod } from '../engine/src/index.js';
import { parseIntegration, parseNumber, parseSet, splitNames, UsageError, walkArgs } from './arg-helpers.js';
import { parseParam, type ParsedParam } from './param-syntax.js';

type Integration = 'euler' | 'rk2' | 'rk4';
type Sets = readonly { readonly name: string; readonly values: readonly number[] }[];

export interface SensitivityCommand {
  readonly command: 'sensitivity';
  readonly model: string;
  readonly params: readonly ParsedParam[];
  readonly method: SensitivityMethod;
  readonly runs?: number;
  readonly seed?: number;
  readonly outputs: readonly string[];
  readonly percentiles?: readonly number[];
  readonly times?: readonly number[];
  readonly samples?: number;
  readonly scatter?: readonly number[];
  readonly json?: string;
  readonly csv?: string;
  readonly workers?: number;
  /** Base values every run starts from (as `run --set`). */
  readonly sets: Sets;
  readonly integration?: Integration;
  readonly dt?: number;
}

/** A scenario written on the command line: `"Higher fees: Weekly fee per resident=900; rate=1,2,3"`. */
export interface InlineScenario {
  readonly name: string;
  readonly sets: Sets;
}

export interface ScenariosCommand {
  readonly command: 'scenarios';
  /** A model file, or a `.cwbproj` project. */
  readonly model: string;
  /** In a project with several models: which one. */
  readonly modelName?: string;
  /** A JSON file of scenario definitions (for a plain model file). */
  readonly file?: string;
  readonly inline: readonly InlineScenario[];
  readonly compare?: readonly string[];
  readonly base?: string;
  readonly vars?: readonly string[];
  readonly times?: readonly number[];
  readonly csv?: string;
  readonly integration?: Integration;
  readonly dt?: number;
}

export function parseSensitivityArgs(rest: readonly string[]): SensitivityCommand {
  let model: string | undefined;
  const params: ParsedParam[] = [];
  const sets: { name: string; values: number[] }[] = [];
  const o: { -readonly [K in keyof SensitivityCommand]?: SensitivityCommand[K] } = {};
  walkArgs(rest, (arg) => {
    if (model !== undefined) throw new UsageError(`Unexpected argument "${arg}" (the model is already "${model}").`);
    model = arg;
  }, (flag, value) => {
    switch (flag) {
      case '--param': params.push(parseParam(value())); break;
      case '--method': {
        const m = value().toLowerCase();
        if (!SENSITIVITY_METHODS.includes(m as SensitivityMethod)) throw new UsageError(`--method must be ${SENSITIVITY_METHODS.join(', ')}, not "${m}" (the integration method is --integration).`);
        o.method = m as SensitivityMethod;
        break;
      }
      case '--runs': o.runs = wholeNumber(value(), '--runs', 1); break;
      case '--seed': o.seed = wholeNumber(value(), '--seed', -2147483648); break;
      case '--outputs': o.outputs = names(value(), '--outputs'); break;
      case '--percentiles': o.percentiles = numberList(value(), '--percentiles'); break;
      case '--times': o.times = numberList(value(), '--times'); break;
      case '--samples': o.samples = wholeNumber(value(), '--samples', 0); break;
      case '--scatter': o.scatter = numberList(value(), '--scatter'); break;
      case '--json': o.json = value(); break;
      case '--csv': o.csv = value(); break;
      case '--workers': o.workers = wholeNumber(value(), '--workers', 1); break;
      case '--set': sets.push(parseSet(value())); break;
      case '--integration': o.integration = parseIntegration(value(), '--integration'); break;
      case '--dt': o.dt = parseNumber(value(), '--dt'); break;
      default: throw new UsageError(`Unknown option ${flag} for "sensitivity".`);
    }
  });
  if (model === undefined) throw new UsageError('"sensitivity" needs a model file.');
  if (!o.outputs) throw new UsageError('"sensitivity" needs --outputs: the variables to summarise.');
  const method = o.method ?? 'mc';
  if (params.length === 0 && method !== 'mc') throw new UsageError(`"sensitivity --method ${method}" needs at least one --param.`);
  if (o.runs !== undefined && method !== 'mc' && method !== 'lhs') throw new UsageError(`--runs applies to mc and lhs; ${method} makes one run per value.`);
  if (method === 'tornado' && (o.outputs.length !== 1 || (o.times?.length ?? 0) > 1)) throw new UsageError('A tornado ranks one output at one time: give one --outputs name and at most one --times value.');
  return { ...o, command: 'sensitivity', model, params, method, outputs: o.outputs, sets } as SensitivityCommand;
}

export function parseScenariosArgs(rest: readonly string[]): ScenariosCommand {
  let model: string | undefined;
  const inline: InlineScenario[] = [];
  const o: { -readonly [K in keyof ScenariosCommand]?: ScenariosCommand[K] } = {};
  walkArgs(rest, (arg) => {
    if (model !== undefined) throw new UsageError(`Unexpected argument "${arg}" (the model is already "${model}").`);
    model = arg;
  }, (flag, value) => {
    switch (flag) {
      case '--compare': o.compare = names(value(), '--compare'); break;
      case '--base': o.base = value().trim(); break;
      case '--model': o.modelName = value().trim(); break;
      case '--scenarios': o.file = value(); break;
      case '--scenario': inline.push(parseInlineScenario(value())); break;
      case '--vars': o.vars = names(value(), '--vars'); break;
      case '--times': o.times = numberList(value(), '--times'); break;
      case '--csv': o.csv = value(); break;
      case '--integration': o.integration = parseIntegration(value(), '--integration'); break;
      case '--dt': o.dt = parseNumber(value(), '--dt'); break;
      default: throw new UsageError(`Unknown option ${flag} for "scenarios".`);
    }
  });
  if (model === undefined) throw new UsageError('"scenarios" needs a model file or a .cwbproj project.');
  return { ...o, command: 'scenarios', model, inline } as ScenariosCommand;
}

/** `name: a=1; b[x]=2; rate=1,2,3` (a scenario with no settings is the model as it is). */
function parseInlineScenario(text: string): InlineScenario {
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (name === '') throw new UsageError(`--scenario needs a name first: "Higher fees: Weekly fee per resident=900"; got "${text}".`);
  const body = colon < 0 ? '' : text.slice(colon + 1);
  return { name, sets: body.split(';').map((s) => s.trim()).filter((s) => s !== '').map(parseSet) };
}

function names(text: string, flag: string): string[] {
  const list = splitNames(text);
  if (list.length === 0) throw new UsageError(`${flag} needs at least one name.`);
  return list;
}

function numberList(text: string, flag: string): number[] {
  const list = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new UsageError(`${flag} needs at least one number.`);
  return list.map((s) => parseNumber(s, flag));
}

function wholeNumber(text: string, flag: string, min: number): number {
  const n = parseNumber(text, flag);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number${min > 0 ? ` of at least ${min}` : min === 0 ? ' (0 or more)' : ''}, not ${text}.`);
  return n;
}
