/**
 * The guided tutorial: an analyst new to modelling builds the care-home model one step at a time.
 * Each step says what to add and why, checks the model in the editor (its structure from the
 * analysis, its numbers from the latest run), and can show its answer. Pure data and functions,
 * tested under Node.
 */
import type { RunOutput } from '../../../services/api.js';
import type { Analysis, SymbolInfo } from '../editor/language-service.js';

export interface TutorialContext {
  readonly analysis: Analysis;
  /** The latest successful run of the editor's text, if any. */
  readonly run?: RunOutput;
}

export interface StepCheck {
  readonly ok: boolean;
  /** What is still missing, or what the model now shows. */
  readonly message: string;
}

export interface TutorialStep {
  readonly id: string;
  readonly title: string;
  /** Paragraphs of explanation. */
  readonly body: readonly string[];
  /** The whole model as it should be after this step ("Show me"). */
  readonly solution: string;
  readonly check: (ctx: TutorialContext) => StepCheck;
}

// --- the model, block by block -------------------------------------------------------------------

const HEADER = `model "Care homes for people aged 85+"

simulation
  start: 2025
  stop: 2035
  dt: 1/4
  save every: 1
  method: euler
  time unit: year
`;
const STOCK = `
stock "People in care homes" [people] = 1150
  doc: "Long-term residents aged 85+ funded by the council or paying for themselves."`;
const OUTFLOW_LINK = `
  outflow: "Leaving care"`;
const INFLOW_LINK = `
  inflow: "Admissions"`;
const LEAVING = `

flow "Leaving care" [people/year] = "People in care homes" / "Average length of stay"

const "Average length of stay" [year] = 2.5
  doc: "Long-stay residents stay about two and a half years on average (PSSRU, Forder and Fernandez 2011)."`;
const FIXED_ADMISSIONS = `

flow "Admissions" [people/year] = 460`;
const POPULATION_ADMISSIONS = `

flow "Admissions" [people/year] = "Population 85+" * "Admission rate"

aux "Population 85+" [people] = "Population 85+ in 2025" * EXP("Population growth" * (TIME - 2025))

const "Population 85+ in 2025" [people] = 14000

const "Population growth" [1/year] = 3%

const "Admission rate" [1/year] = 3.3%`;
const CAPACITY = `

const "Places commissioned" [people] = 1300

aux "Spare places" [people] = "Places commissioned" - "People in care homes"`;
const MONEY = `

const "Weekly fee" [GBP/(person*week)] = 1000

const "Weeks per year" [week/year] = 52

aux "Spend per year" [GBP/year] = "People in care homes" * "Weekly fee" * "Weeks per year"`;

function model(...parts: string[]): string {
  return `${parts.join('')}\n`;
}

const STEP2 = model(HEADER, STOCK);
const STEP3 = model(HEADER, STOCK, OUTFLOW_LINK, LEAVING);
const STEP4 = model(HEADER, STOCK, INFLOW_LINK, OUTFLOW_LINK, LEAVING, FIXED_ADMISSIONS);
const STEP5 = model(HEADER, STOCK, INFLOW_LINK, OUTFLOW_LINK, LEAVING, POPULATION_ADMISSIONS);
const STEP6 = model(HEADER, STOCK, INFLOW_LINK, OUTFLOW_LINK, LEAVING, POPULATION_ADMISSIONS, CAPACITY);
const STEP7 = model(HEADER, STOCK, INFLOW_LINK, OUTFLOW_LINK, LEAVING, POPULATION_ADMISSIONS, CAPACITY, MONEY);
const STEP8 = STEP7.replace('"Average length of stay" [year] = 2.5', '"Average length of stay" [year] = 2.2');

// --- checking what the user wrote ----------------------------------------------------------------

const key = (name: string): string => name.toLowerCase().replace(/[\s_]+/g, ' ').trim();

function symbol(ctx: TutorialContext, name: string): SymbolInfo | undefined {
  return ctx.analysis.symbols.find((s) => key(s.name) === key(name));
}

function seriesAt(ctx: TutorialContext, name: string, time: number): number | undefined {
  const run = ctx.run;
  if (!run) return undefined;
  const i = run.times.findIndex((t) => Math.abs(t - time) < 1e-9);
  const s = run.series.find((x) => key(x.name) === key(name));
  return i < 0 || !s ? undefined : s.values[i];
}

const fail = (message: string): StepCheck => ({ ok: false, message });
const pass = (message: string): StepCheck => ({ ok: true, message });

/** Errors first: nothing else can be judged until the model reads cleanly. */
function firstProblem(ctx: TutorialContext): StepCheck | undefined {
  const error = ctx.analysis.diagnostics.find((d) => d.severity === 'error');
  if (error) return fail(`Fix this first (line ${error.line}): ${error.message}`);
  const units = ctx.analysis.diagnostics.find((d) => d.severity === 'warning' && d.code.startsWith('unit'));
  if (units) return fail(`The units do not add up yet (line ${units.line}): ${units.message}`);
  return undefined;
}

function needs(ctx: TutorialContext, name: string, kind: SymbolInfo['kind'], units?: string): StepCheck | undefined {
  const s = symbol(ctx, name);
  if (!s) return fail(`Add ${kind === 'aux' || kind === 'const' ? 'an' : 'a'} ${kind} called "${name}".`);
  if (s.kind !== kind) return fail(`"${s.name}" should be declared as ${kind}, not ${s.kind}.`);
  if (units !== undefined && key(s.units ?? '') !== key(units)) return fail(`Give "${s.name}" the units [${units}]${s.units ? ` (it has [${s.units}])` : ''}.`);
  return undefined;
}

function near(actual: number | undefined, expected: number, tolerance: number): boolean {
  return actual !== undefined && Math.abs(actual - expected) <= tolerance * Math.abs(expected);
}

const people = (n: number): string => Math.round(n).toLocaleString('en-GB');

// --- the steps -------------------------------------------------------------------------------------

export const CARE_HOME_TUTORIAL: readonly TutorialStep[] = [
  {
    id: 'clock',
    title: '1. Set the clock',
    body: [
      'Every model runs over a period of time. Commissioning strategies look about ten years ahead, so this model runs from 2025 to 2035.',
      'In the editor, give the model a title and a simulation section: start 2025, stop 2035, a time step (dt) of a quarter of a year, results saved every year, and the time unit "year".',
    ],
    solution: model(HEADER),
    check: (ctx) => {
      const problem = ctx.analysis.diagnostics.find((d) => d.severity === 'error');
      if (problem) return fail(`Fix this first (line ${problem.line}): ${problem.message}`);
      if (key(ctx.analysis.timeUnit ?? '') !== 'year') return fail('Set the time unit: add "time unit: year" to the simulation section.');
      const run = ctx.run;
      if (!run || run.times.length === 0) return fail('Add a simulation section with start: 2025 and stop: 2035.');
      if (run.times[0] !== 2025 || run.times.at(-1) !== 2035) return fail(`The run goes from ${run.times[0]} to ${run.times.at(-1)}: make it 2025 to 2035.`);
      if (run.dt !== 0.25) return fail(`The time step is ${run.dt}: make it 1/4 (a quarter of a year).`);
      return pass('The model runs from 2025 to 2035 in quarter-year steps.');
    },
  },
  {
    id: 'stock',
    title: '2. A stock: people in care homes',
    body: [
      'A stock is something that accumulates: here, the people living in care homes. It changes only through flows in and out, and it has a starting value.',
      'Add: stock "People in care homes" [people] = 1150. The number in square brackets after the name is its units.',
    ],
    solution: STEP2,
    check: (ctx) => {
      const problem = firstProblem(ctx) ?? needs(ctx, 'People in care homes', 'stock', 'people');
      if (problem) return problem;
      const start = seriesAt(ctx, 'People in care homes', 2025);
      if (start !== 1150) return fail(`Start the stock at 1150 people (it starts at ${start ?? 'nothing yet'}).`);
      return pass('1,150 people in care homes in 2025. With no flows yet, the line on the chart stays flat.');
    },
  },
  {
    id: 'outflow',
    title: '3. An outflow: people leave care',
    body: [
      'People leave long-term care (mostly when they die). On average a resident stays about 2.5 years, so each year roughly one in 2.5 residents leaves.',
      'Add a flow "Leaving care" [people/year] = "People in care homes" / "Average length of stay", a const "Average length of stay" [year] = 2.5, and tell the stock: outflow: "Leaving care".',
      'Watch the chart: with nobody coming in, the number falls, fast at first and then more slowly.',
    ],
    solution: STEP3,
    check: (ctx) => {
      const problem = firstProblem(ctx) ?? needs(ctx, 'Leaving care', 'flow', 'people/year') ?? needs(ctx, 'Average length of stay', 'const', 'year');
      if (problem) return problem;
      if (!symbol(ctx, 'People in care homes')?.outflows.some((f) => key(f) === key('Leaving care'))) return fail('Connect the flow: add outflow: "Leaving care" under the stock.');
      const stay = Number(symbol(ctx, 'Average length of stay')?.equation);
      const leaving = seriesAt(ctx, 'Leaving care', 2025);
      if (!near(leaving, 1150 / stay, 1e-9)) return fail(`In 2025, ${1150} people with a ${stay}-year stay means ${people(1150 / stay)} leave a year (the flow gives ${leaving === undefined ? 'nothing yet' : people(leaving)}): divide the stock by the length of stay.`);
      if ((symbol(ctx, 'People in care homes')?.inflows.length ?? 0) > 0) return pass(`${people(leaving!)} people leave care a year.`);
      // One year of quarterly Euler steps: each keeps 1 - 0.25/2.5 = 90% of the residents.
      const after = seriesAt(ctx, 'People in care homes', 2026)!;
      return pass(`${people(after)} people are left after a year: a third have left, as a 2.5-year stay implies.`);
    },
  },
  {
    id: 'inflow',
    title: '4. An inflow: admissions',
    body: [
      'Now people come in. Add a flow "Admissions" [people/year] = 460 and connect it to the stock with inflow: "Admissions".',
      'In balance, admissions × length of stay = people in care: 460 × 2.5 = 1,150. So the stock should stay level. This balance (Little\'s law) is how commissioners turn admissions into places.',
    ],
    solution: STEP4,
    check: (ctx) => {
      const problem = firstProblem(ctx) ?? needs(ctx, 'Admissions', 'flow', 'people/year');
      if (problem) return problem;
      if (!symbol(ctx, 'People in care homes')?.inflows.some((f) => key(f) === key('Admissions'))) return fail('Connect the flow: add inflow: "Admissions" under the stock.');
      const end = seriesAt(ctx, 'People in care homes', 2035);
      if (!near(end, 1150, 0.01)) return fail(`The stock ends at ${end === undefined ? 'nothing' : people(end)} in 2035; with 460 admissions a year and a 2.5-year stay it should stay at 1,150.`);
      return pass('Admissions balance leavers: 1,150 people all the way to 2035.');
    },
  },
  {
    id: 'demand',
    title: '5. Demand from an ageing population',
    body: [
      'Admissions are not fixed: they follow the number of people aged 85 and over, which grows by about 3% a year in most English council areas (ONS subnational population projections).',
      'Replace the fixed admissions with "Population 85+" × "Admission rate": add aux "Population 85+" [people] = "Population 85+ in 2025" * EXP("Population growth" * (TIME - 2025)), with consts "Population 85+ in 2025" [people] = 14000, "Population growth" [1/year] = 3% and "Admission rate" [1/year] = 3.3%.',
    ],
    solution: STEP5,
    check: (ctx) => {
      const problem = firstProblem(ctx) ?? needs(ctx, 'Population 85+', 'aux', 'people') ?? needs(ctx, 'Admission rate', 'const', '1/year');
      if (problem) return problem;
      const admissions = symbol(ctx, 'Admissions');
      if (!admissions?.equation?.includes('Population 85+') || !admissions.equation.includes('Admission rate')) return fail('Make "Admissions" = "Population 85+" * "Admission rate".');
      const first = seriesAt(ctx, 'Admissions', 2025);
      if (!near(first, 14000 * 0.033, 0.01)) return fail(`Admissions in 2025 should be 14,000 × 3.3% = 462 a year (they are ${first === undefined ? 'not known yet' : people(first)}).`);
      // 3% growth a year for ten years multiplies admissions by e^0.3 = 1.35.
      const later = seriesAt(ctx, 'Admissions', 2035);
      if (!near(later, 14000 * 0.033 * Math.exp(0.3), 0.01)) return fail(`With the population growing 3% a year, admissions in 2035 should be about ${people(14000 * 0.033 * Math.exp(0.3))} (they are ${later === undefined ? 'not known yet' : people(later)}): check "Population 85+".`);
      const end = seriesAt(ctx, 'People in care homes', 2035)!;
      return pass(`The population drives demand: admissions rise from 462 to ${people(later!)} a year, and ${people(end)} people are in care homes by 2035.`);
    },
  },
  {
    id: 'capacity',
    title: '6. Capacity: when do places run out?',
    body: [
      'The council has 1,300 places. Add const "Places commissioned" [people] = 1300 and aux "Spare places" [people] = "Places commissioned" - "People in care homes".',
      'Tick "Spare places" in the chart: the year it drops below zero is when demand outgrows the places commissioned.',
    ],
    solution: STEP6,
    check: (ctx) => {
      const problem = firstProblem(ctx) ?? needs(ctx, 'Places commissioned', 'const', 'people') ?? needs(ctx, 'Spare places', 'aux', 'people');
      if (problem) return problem;
      const run = ctx.run;
      const spare = run?.series.find((s) => key(s.name) === key('Spare places'));
      if (!run || !spare) return fail('Run the model to see the spare places.');
      const i = spare.values.findIndex((v) => v < 0);
      return pass(i < 0 ? 'Places last the whole ten years.' : `Places run out in ${run.times[i]}: ${people(-spare.values.at(-1)!)} too few by 2035.`);
    },
  },
  {
    id: 'money',
    title: '7. Money: what does it cost?',
    body: [
      'A care home place for an older person costs the council around £1,000 a week (the average weekly fee for nursing and residential care in England is in that range: PSSRU Unit Costs of Health and Social Care 2023).',
      'Add const "Weekly fee" [GBP/(person*week)] = 1000, const "Weeks per year" [week/year] = 52, and aux "Spend per year" [GBP/year] = "People in care homes" * "Weekly fee" * "Weeks per year". The units must work out to GBP/year: the workbench checks them.',
    ],
    solution: STEP7,
    check: (ctx) => {
      const problem = firstProblem(ctx) ?? needs(ctx, 'Weekly fee', 'const') ?? needs(ctx, 'Spend per year', 'aux', 'GBP/year');
      if (problem) return problem;
      const spend = seriesAt(ctx, 'Spend per year', 2025);
      if (!near(spend, 1150 * 1000 * 52, 1e-9)) return fail(`Spend in 2025 should be 1,150 × £1,000 × 52 = £59.8m (it is ${spend === undefined ? 'not known yet' : `£${(spend / 1e6).toFixed(1)}m`}).`);
      const end = seriesAt(ctx, 'Spend per year', 2035)!;
      return pass(`£59.8m in 2025, rising to £${(end / 1e6).toFixed(1)}m a year by 2035.`);
    },
  },
  {
    id: 'strategy',
    title: '8. Test a strategy',
    body: [
      'Suppose better reablement and extra care housing mean people enter care later in life, so they stay less long: try an average length of stay of 2.2 years.',
      'Press Run before and after the change to keep both runs, then tick them in the project tree to compare. Shorter stays mean fewer people in care at any time, and lower spend, for the same admissions.',
    ],
    solution: STEP8,
    check: (ctx) => {
      const problem = firstProblem(ctx);
      if (problem) return problem;
      const stay = Number(symbol(ctx, 'Average length of stay')?.equation);
      if (!(stay < 2.5)) return fail('Change "Average length of stay" to less than 2.5 years (try 2.2).');
      const end = seriesAt(ctx, 'Spend per year', 2035);
      if (end === undefined) return fail('Run the model to see the spend.');
      return pass(`With a ${stay}-year stay, spend in 2035 is £${(end / 1e6).toFixed(1)}m a year. You have built a whole-system model: well done.`);
    },
  },
];
