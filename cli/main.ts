import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { bindDataTables, compileAst, formatDiagnostic, ModelInputError, simulate, runToCsv } from '../engine/src/index.js';
import { dataTablesNextTo, loadModelFile, ModelFileError, readModelFile, writableExtensions, writeModelText } from '../services/model-files.js';
import { parseArgs, USAGE, UsageError, type Command } from './args.js';
import { timedRuns, timingReport } from './timing.js';
import { scenariosCommand } from './scenarios.js';
import { sensitivityCommand, type CommandIo } from './sensitivity.js';

export type MainOptions = Pick<CommandIo, 'progress' | 'workerUrl'>;

/** Exit codes: 0 ok, 1 problems in the model or the run, 2 wrong command line or unreadable input. */
export async function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void, options: MainOptions = {}): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cwb: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (command.command === 'help') {
    out(`${USAGE}\n`);
    return 0;
  }
  try {
    if (command.command === 'convert') return await convert(command.model, command.out, err);
    if (command.command === 'sensitivity') return await sensitivityCommand(command, { out, err, ...options });
    if (command.command === 'scenarios') return await scenariosCommand(command, { out, err, ...options });
    const loadStart = performance.now();
    const compiled = await loadModelFile(command.model, { dataTables: dataTablesNextTo(command.model, command.data) });
    const compileMs = performance.now() - loadStart;
    for (const d of compiled.diagnostics) err(`${formatDiagnostic(d)}\n`);
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error').length;
    if (command.command === 'check') {
      const warnings = compiled.diagnostics.length - errors;
      err(`${command.model}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
      return errors > 0 ? 1 : 0;
    }
    if (!compiled.model) return 1;
    const runOptions = {
      overrides: new Map(command.sets.map((s) => [s.name, s.values.length === 1 ? s.values[0]! : s.values])),
      ...(command.method ? { method: command.method } : {}),
      ...(command.dt === undefined ? {} : { dt: command.dt }),
      ...(command.seed === undefined ? {} : { seed: command.seed }),
      ...(command.vars ? { vars: command.vars } : {}),
    };
    const { result, runMs } = timedRuns(() => simulate(compiled.model!, runOptions), command.repeat ?? 1);
    if (command.timing) {
      out(`${JSON.stringify(timingReport(compileMs, runMs, result))}\n`);
      if (result.error) err(`cwb: ${result.error.message}\n`);
      return result.error ? 1 : 0;
    }
    const csv = runToCsv(result);
    if (command.csv) await writeFile(command.csv, csv);
    else out(csv);
    if (result.error) {
      err(`cwb: ${result.error.message}\n`);
      return 1;
    }
    return 0;
  } catch (e) {
    if (e instanceof ModelFileError || e instanceof ModelInputError || e instanceof UsageError) {
      err(`cwb: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** Writes a model in another format; refuses to write a file it could not read completely. */
async function convert(input: string, output: string, err: (s: string) => void): Promise<number> {
  if (!writableExtensions().includes(extname(output).toLowerCase())) {
    err(`cwb: cannot write "${output}": convert writes ${writableExtensions().join(', ')} files.\n`);
    return 2;
  }
  const read = await readModelFile(input);
  const dataTables = dataTablesNextTo(input);
  const checked = compileAst(read.ast, read.diagnostics, { dataTables });
  for (const d of checked.diagnostics) err(`${formatDiagnostic(d)}\n`);
  if (read.diagnostics.some((d) => d.severity === 'error')) {
    err(`cwb: "${input}" could not be read completely, so nothing was written.\n`);
    return 1;
  }
  // Our own text keeps a graph's data table binding; XMILE has none, so it gets the table's points.
  const ast = extname(output).toLowerCase() === '.cwm' ? read.ast : bindDataTables(read.ast, dataTables).ast;
  await writeFile(output, writeModelText(ast, extname(output))!);
  return checked.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
