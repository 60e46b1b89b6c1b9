/**
 * `cwb scenarios`: run named scenarios of a model and compare them. Scenarios come from a
 * `.cwbproj` project (with its data tables), or for a plain model file from a JSON file
 * (`--scenarios defs.json`) and/or the command line (`--scenario "name: a=1; b=2"`).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  checkScenarioShape, compareRuns, compileAst, comparisonToCsv, formatDiagnostic, parseModel, runScenarios,
  type DataTableSource, type Diagnostic, type ModelAst, type ScenarioDefinition,
} from '../engine/src/index.js';
import { ModelFileError, readModelFile } from '../services/model-files.js';
import { ProjectStore } from '../services/project-store.js';
import type { InlineScenario, ScenariosCommand } from './analysis-args.js';
import { UsageError } from './arg-helpers.js';
import type { CommandIo } from './sensitivity.js';

/** Names that mean the model as it is, unless a scenario of that name exists. */
const BASELINE = new Set(['baseline', 'base']);

interface Source {
  readonly ast: ModelAst;
  readonly diagnostics: readonly Diagnostic[];
  readonly scenarios: readonly ScenarioDefinition[];
  readonly dataTables?: DataTableSource;
  readonly close: () => void;
}

export async function scenariosCommand(c: ScenariosCommand, io: CommandIo): Promise<number> {
  const source = extname(c.model).toLowerCase() === '.cwbproj' ? fromProject(c) : await fromModelFile(c);
  try {
    const compiled = compileAst(source.ast, source.diagnostics);
    for (const d of compiled.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
    if (!compiled.model) return 1;
    const defined = [...source.scenarios, ...c.inline.map(inlineScenario)];
    const chosen = choose(defined, c.compare);
    const { runs, problems } = runScenarios({ ast: source.ast, model: compiled.model }, chosen, {
      ...(source.dataTables ? { dataTables: source.dataTables } : {}),
      ...(c.integration ? { method: c.integration } : {}),
      ...(c.dt !== undefined ? { dt: c.dt } : {}),
      ...(c.vars ? { vars: c.vars } : {}),
    });
    for (const p of problems) io.err(`cwb: scenario "${p.scenario}": ${p.message}\n`);
    if (problems.length > 0) {
      io.err('cwb: scenarios that do not fit the model are not compared; update them (or the model) first.\n');
      return 1;
    }
    const csv = comparisonToCsv(compareRuns(runs, { ...(c.base ? { base: c.base } : {}), ...(c.vars ? { variables: c.vars } : {}), ...(c.times ? { times: c.times } : {}) }));
    if (c.csv) await writeFile(c.csv, csv);
    else io.out(csv);
    const stopped = runs.filter((r) => r.result.error);
    for (const r of stopped) io.err(`cwb: scenario "${r.scenario}": ${r.result.error!.message}\n`);
    return stopped.length > 0 ? 1 : 0;
  } finally {
    source.close();
  }
}

/** The scenarios compared, in order: those named, or "baseline" and every scenario defined. */
function choose(defined: readonly ScenarioDefinition[], names: readonly string[] | undefined): ScenarioDefinition[] {
  const find = (name: string): ScenarioDefinition | undefined => defined.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!names) return [...(defined.some((s) => BASELINE.has(s.name.toLowerCase())) ? [] : [{ name: 'baseline' }]), ...defined];
  return names.map((name) => {
    const found = find(name);
    if (found) return found;
    if (BASELINE.has(name.toLowerCase())) return { name };
    throw new UsageError(`There is no scenario "${name}" (${defined.length > 0 ? `scenarios: ${defined.map((s) => s.name).join(', ')}` : 'none are defined'}; "baseline" is the model as it is).`);
  });
}

function inlineScenario(s: InlineScenario): ScenarioDefinition {
  return { name: s.name, overrides: Object.fromEntries(s.sets.map((x) => [x.name, x.values.length === 1 ? x.values[0]! : x.values])) };
}

function fromProject(c: ScenariosCommand): Source {
  if (!existsSync(c.model)) throw new ModelFileError(`Cannot open "${c.model}": no such file.`);
  if (c.file) throw new UsageError('--scenarios is for plain model files; a project has its own scenarios (add more with --scenario).');
  let store: ProjectStore;
  try {
    store = ProjectStore.open(c.model);
  } catch (err) {
    throw new ModelFileError(err instanceof Error ? err.message : String(err));
  }
  try {
    const models = store.listModels();
    const model = c.modelName ? models.find((m) => m.name.toLowerCase() === c.modelName!.toLowerCase()) : models.length === 1 ? models[0] : undefined;
    if (!model) {
      throw new UsageError(c.modelName || models.length === 0
        ? `The project has no model called "${c.modelName ?? ''}" (models: ${models.map((m) => m.name).join(', ') || 'none'}).`
        : `The project has ${models.length} models: choose one with --model (${models.map((m) => m.name).join(', ')}).`);
    }
    const text = store.getModel(model.id).text;
    const parsed = parseModel(text, `${model.name}.cwm`);
    const tables = store.listDataTables();
    return {
      ast: parsed.ast,
      diagnostics: parsed.diagnostics,
      scenarios: store.listScenarios(model.id).map((s) => ({ name: s.name, overrides: s.overrides, graphs: s.graphs, data: s.data })),
      dataTables: (name) => {
        const info = tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
        return info ? store.getDataTable(info.id) : undefined;
      },
      close: () => store.close(),
    };
  } catch (err) {
    store.close();
    throw err;
  }
}

async function fromModelFile(c: ScenariosCommand): Promise<Source> {
  const read = await readModelFile(c.model);
  return { ast: read.ast, diagnostics: read.diagnostics, scenarios: c.file ? await scenarioFile(c.file) : [], close: () => {} };
}

/** `{ "scenarios": [ { "name": …, "overrides": {…}, "graphs": {…} } ] }`, or just the list. */
async function scenarioFile(path: string): Promise<ScenarioDefinition[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `Cannot open "${path}": no such file.` : `Cannot read the scenarios in "${path}": ${(err as Error).message}`);
  }
  const list = Array.isArray(json) ? json : (json as { scenarios?: unknown })?.scenarios;
  if (!Array.isArray(list)) throw new ModelFileError(`"${path}" must hold a list of scenarios, or { "scenarios": [ … ] }.`);
  return list.map((s, i) => {
    const { scenario, problems } = checkScenarioShape(s);
    if (!scenario) throw new ModelFileError(`Scenario ${i + 1} in "${path}": ${problems.map((p) => p.message).join(' ')}`);
    return scenario;
  });
}
