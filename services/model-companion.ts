/**
 * A model's companion file, `<model>.project.json` next to it: what a project needs beyond the
 * model text — the data tables it reads (files, with units and source), its scenarios and its
 * hypotheses. The examples ship one, so they open in the workbench ready to run, and the command
 * line finds their data tables without --data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { checkHypothesis, type HypothesisDefinition, type ScenarioDefinition } from '../engine/src/index.js';

export interface CompanionTable {
  readonly name: string;
  /** Path of a .csv, .tsv or .xlsx file, relative to the model. */
  readonly file: string;
  readonly sheet?: string;
  readonly units?: string;
  readonly source?: string;
  readonly sourceDate?: string;
}

export interface ModelCompanion {
  readonly dataTables: readonly CompanionTable[];
  readonly scenarios: readonly ScenarioDefinition[];
  readonly hypotheses: readonly HypothesisDefinition[];
}

export function companionPath(modelPath: string): string {
  return join(dirname(modelPath), `${basename(modelPath, extname(modelPath))}.project.json`);
}

/** The companion of a model, or undefined when it has none; a malformed one is an error naming the file. */
export function readCompanion(modelPath: string): ModelCompanion | undefined {
  const path = companionPath(modelPath);
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${basename(path)} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const o = (raw ?? {}) as { dataTables?: unknown; scenarios?: unknown; hypotheses?: unknown };
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
  const dataTables = list(o.dataTables).map((t, i) => {
    const table = t as Partial<CompanionTable>;
    if (typeof table?.name !== 'string' || typeof table.file !== 'string') throw new Error(`${basename(path)}: data table ${i + 1} needs a name and a file.`);
    return { ...table, file: resolve(dirname(modelPath), table.file) } as CompanionTable;
  });
  const hypotheses = list(o.hypotheses).map((h, i) => {
    const checked = checkHypothesis(h);
    if (typeof checked === 'string') throw new Error(`${basename(path)}: hypothesis ${i + 1}: ${checked}`);
    return checked;
  });
  return { dataTables, scenarios: list(o.scenarios) as ScenarioDefinition[], hypotheses };
}
