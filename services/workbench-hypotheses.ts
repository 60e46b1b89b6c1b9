/**
 * The hypothesis register of the workbench API: statements kept per model, each judged on runs of
 * the scenarios its test names (the model as the editor has it), so every run says which the
 * model supports — with the numbers, and the runs for an evidence chart.
 */
import { BASELINE_SCENARIO, judgeHypothesis, scenariosNeeded, variablesNeeded, type JudgedRun } from '../engine/src/index.js';
import { ApiError, type HypothesisEvaluation, type ScenarioRef, type WorkbenchApi } from './api.js';
import type { OpenProject } from './workbench.js';

export interface HypothesisApiContext {
  readonly project: (projectId: unknown) => OpenProject;
  readonly compareScenarios: WorkbenchApi['compareScenarios'];
}

export function hypothesisApi(ctx: HypothesisApiContext): Pick<WorkbenchApi, 'saveHypothesis' | 'deleteHypothesis' | 'evaluateHypotheses'> {
  return {
    async saveHypothesis(projectId, hypothesis) {
      return ctx.project(projectId).store.saveHypothesis(hypothesis);
    },

    async deleteHypothesis(projectId, hypothesisId) {
      ctx.project(projectId).store.deleteHypothesis(hypothesisId);
    },

    async evaluateHypotheses(request): Promise<HypothesisEvaluation> {
      if (!request || typeof request.text !== 'string') throw new ApiError('bad-request', 'Judging hypotheses needs the model text.');
      const { store } = ctx.project(request.projectId);
      const hypotheses = store.listHypotheses().filter((h) => h.modelId === request.modelId);
      const scenarios = store.listScenarios(request.modelId);
      const needed = scenariosNeeded(hypotheses);
      // Scenarios the tests name that the project has (the baseline is the model as it is).
      const refs: ScenarioRef[] = [];
      for (const name of needed) {
        const stored = scenarios.find((s) => s.name.toLowerCase() === name.toLowerCase());
        if (stored) refs.push({ id: stored.id });
        else if (name.toLowerCase() === BASELINE_SCENARIO.toLowerCase()) refs.push({ name: BASELINE_SCENARIO });
      }
      const runs = new Map<string, JudgedRun>();
      let compared: Awaited<ReturnType<WorkbenchApi['compareScenarios']>> | undefined;
      if (refs.length > 0) {
        compared = await ctx.compareScenarios({ text: request.text, projectId: request.projectId, scenarios: refs, variables: variablesNeeded(hypotheses) });
        for (const r of compared.runs) runs.set(r.scenario, r);
      }
      const verdicts = hypotheses.map((h) => ({ id: h.id, ...judgeHypothesis(h, runs) }));
      const ok = !compared || compared.ok;
      return {
        ok,
        ...(compared && !compared.ok ? { message: compared.message ?? compared.problems[0]?.message ?? 'The scenarios the tests need could not be run.' } : {}),
        verdicts,
        runs: compared?.runs ?? [],
        ...(compared?.timeUnit ? { timeUnit: compared.timeUnit } : {}),
      };
    },
  };
}
