import { simulate, type RunResult, type SimulateOptions } from '../sim/simulate.js';
import { prepareScenario, type ScenarioBase } from './apply.js';
import type { ScenarioDefinition, ScenarioProblem } from './types.js';
import type { ScenarioOptions } from './validate.js';

export interface ScenarioRun {
  readonly scenario: string;
  readonly result: RunResult;
}

export type ScenarioRunOptions = ScenarioOptions & Pick<SimulateOptions, 'method' | 'dt' | 'saveEvery' | 'seed' | 'vars'>;

/**
 * Runs scenarios on a base model: each one valid for the model is run, in order; each with a
 * problem is not, and its problems are returned. Settings problems throw ModelInputError.
 */
export function runScenarios(base: ScenarioBase, scenarios: readonly ScenarioDefinition[], options: ScenarioRunOptions = {}): { readonly runs: readonly ScenarioRun[]; readonly problems: readonly ScenarioProblem[] } {
  const runs: ScenarioRun[] = [];
  const problems: ScenarioProblem[] = [];
  const { dataTables, ...settings } = options;
  for (const scenario of scenarios) {
    const { prepared, problems: own } = prepareScenario(base, scenario, dataTables ? { dataTables } : {});
    problems.push(...own);
    if (prepared) runs.push({ scenario: scenario.name, result: simulate(prepared.model, { ...settings, overrides: prepared.overrides }) });
  }
  return { runs, problems };
}
