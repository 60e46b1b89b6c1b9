/** The guided tutorial: each step's answer passes its own check and every earlier one; wrong models fail with advice. */
import { describe, expect, it } from 'vitest';
import type { RunOutput } from '../services/api.js';
import { runJob } from '../services/run-job.js';
import { analyse } from '../renderer/src/editor/language-service.js';
import { CARE_HOME_TUTORIAL, type TutorialContext } from '../renderer/src/tutorial/care-home-tutorial.js';

/** What the workbench gives a step: the editor's analysis and the latest run, as the services return it. */
function context(text: string): TutorialContext {
  const result = runJob({ text, file: 'tutorial.cwm', settings: {} });
  const run: RunOutput | undefined = result.ok
    ? { ok: true, diagnostics: result.diagnostics, ...(result.dt !== undefined ? { dt: result.dt } : {}), times: Array.from(result.times), series: result.series.map((s) => ({ name: s.name, variable: s.variable, values: Array.from(s.values) })), elapsedMs: 0 }
    : undefined;
  return { analysis: analyse(text, 'tutorial.cwm'), ...(run ? { run } : {}) };
}

describe('the care-home tutorial', () => {
  it('has answers that pass their own step and all the steps before', () => {
    CARE_HOME_TUTORIAL.forEach((step, i) => {
      const ctx = context(step.solution);
      expect(ctx.analysis.diagnostics, step.id).toEqual([]);
      for (const earlier of CARE_HOME_TUTORIAL.slice(0, i + 1).filter((s) => s.id !== 'inflow' || i < 4)) {
        // Step 4's fixed admissions are replaced in step 5: every other check holds from then on.
        expect(earlier.check(ctx), `${earlier.id} on the answer to ${step.id}`).toMatchObject({ ok: true });
      }
    });
  });

  it('does not pass a step before its work is done, and says what is missing', () => {
    const [clock, stock, outflow, inflow, demand, capacity, money, strategy] = CARE_HOME_TUTORIAL;
    expect(clock!.check(context('model "x"\n'))).toEqual({ ok: false, message: 'Set the time unit: add "time unit: year" to the simulation section.' });
    expect(clock!.check(context(clock!.solution.replace('stop: 2035', 'stop: 2030'))).message).toBe('The run goes from 2025 to 2030: make it 2025 to 2035.');
    expect(stock!.check(context(clock!.solution)).message).toBe('Add a stock called "People in care homes".');
    expect(stock!.check(context(stock!.solution.replace('[people] = 1150', '[persons] = 1150'))).message).toBe('Give "People in care homes" the units [people] (it has [persons]).');
    expect(outflow!.check(context(outflow!.solution.replace('  outflow: "Leaving care"\n', ''))).message).toBe('Connect the flow: add outflow: "Leaving care" under the stock.');
    // Multiplying instead of dividing: the stock grows, and the check says so with the number expected.
    expect(outflow!.check(context(outflow!.solution.replace('"People in care homes" / "Average length of stay"', '"People in care homes" * "Average length of stay" / 1 [year^2]'))).ok).toBe(false);
    expect(inflow!.check(context(inflow!.solution.replace('= 460', '= 600'))).message).toMatch(/ends at 1,4\d\d in 2035/);
    expect(demand!.check(context(demand!.solution.replace('"Population 85+" * "Admission rate"', '460'))).message).toBe('Make "Admissions" = "Population 85+" * "Admission rate".');
    expect(capacity!.check(context(capacity!.solution)).message).toBe('Places run out in 2032: 151 too few by 2035.');
    expect(money!.check(context(money!.solution.replace('[GBP/year] = "People in care homes" * "Weekly fee" * "Weeks per year"', '[GBP/year] = "People in care homes" * "Weekly fee"'))).message).toMatch(/^The units do not add up yet/);
    expect(strategy!.check(context(money!.solution)).message).toBe('Change "Average length of stay" to less than 2.5 years (try 2.2).');
    expect(stock!.check(context('model "x"\nstock "People in care homes" [people] = \n')).message).toMatch(/^Fix this first \(line 2\)/);
  });

  it('reports numbers worked out by hand', () => {
    const outflow = CARE_HOME_TUTORIAL[2]!;
    // 1150 × 0.9⁴ = 754.5 after four quarterly Euler steps.
    expect(outflow.check(context(outflow.solution)).message).toBe('755 people are left after a year: a third have left, as a 2.5-year stay implies.');
    const money = CARE_HOME_TUTORIAL[6]!;
    expect(money.check(context(money.solution)).message).toMatch(/^£59\.8m in 2025, rising to £75\.5m a year by 2035\.$/);
  });
});
