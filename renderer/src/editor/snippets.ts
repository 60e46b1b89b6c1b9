/**
 * The commissioning snippet library: the building blocks of docs/commissioning.md as model text the
 * editor inserts at the start of a line (type `snippet` or the block's name). Bodies use editor
 * snippet placeholders: `${1:Step-down}` is a name the modeller chooses, and every later `${1}`
 * follows it. Each block states the names it reads from other blocks (`reads`), so a modeller sees
 * what must exist, and the tests can build a model around it.
 */

export interface ModelSnippet {
  /** Short id, also what `snippet <id>` completes to. */
  readonly id: string;
  readonly label: string;
  /** Markdown shown beside the completion. */
  readonly summary: string;
  /** Names of variables or dimensions the block reads and does not define, with their defaults filled in. */
  readonly reads: readonly string[];
  readonly body: string;
}

export const COMMISSIONING_SNIPPETS: readonly ModelSnippet[] = [
  {
    id: 'demand',
    label: 'Demand: population × prevalence by level of need',
    summary:
      'People with low, moderate and intensive needs = Σ over age bands of population × prevalence. ' +
      'Prevalence can drift each year (set the change per scenario); bind the population graph to an ' +
      'imported projection table with `data:` instead of its points.',
    reads: [],
    body: `dimension \${1:AgeBand}: 65-74, 75-84, 85+
  doc: "Age bands of the population projections."
dimension Need: low, moderate, intensive
  doc: "Levels of need: low (instrumental tasks), moderate (one or two personal care tasks), intensive (several, or day and night)."

graph "Population"[\${1}] [people] = TIME
  [65-74] points: (2025, 52000), (2035, 61000)
  [75-84] points: (2025, 33000), (2035, 41000)
  [85+] points: (2025, 12000), (2035, 17000)
  doc: "Population projection by age band; for an imported table, bind it with a data line (data: then the table's name) instead of the points."

const "Prevalence"[\${1}, Need] = 6%, 3%, 1%; 10%, 7%, 3%; 16%, 15%, 12%
  doc: "Share of each age band (rows) at each level of need (columns) in the base year."
const "Prevalence change per year"[Need] [1/year] = 0, 0, 0
  doc: "Relative yearly change in prevalence (e.g. -1% as healthy life expectancy improves); set it per scenario."
const "Prevalence base year" [year] = 2025

aux "Prevalence now"[\${1}, Need] = "Prevalence" * EXP("Prevalence change per year"[Need] * (TIME - "Prevalence base year"))
aux "People with needs"[Need] [people] = SUM("Population"[*] * "Prevalence now"[*, Need])
aux "Population 65+" [people] = SUM("Population"[*])`,
  },
  {
    id: 'service',
    label: 'Service: places, length of stay, admissions limited by free places, people waiting',
    summary:
      'A service with a number of places and an average stay. People referred wait until a place is ' +
      'free; admissions fill free places within a time step; the waiting stock is the delay (for ' +
      'step-down care, the delayed discharges). For a fixed length of stay use a conveyor (docs/language.md, "A service").',
    reads: [],
    body: `const "\${1:Step-down} places" [people] = 100
const "\${1} average stay" [week] = 6
const "Weeks per year" [week/year] = 52.18

stock "\${1} waiting" [people] = 0
  inflow: "\${1} referrals"
  outflow: "\${1} admissions"
  doc: "People ready to start the service who are waiting for a place."
stock "\${1} occupied" [people] = 0
  inflow: "\${1} admissions"
  outflow: "\${1} discharges"

flow "\${1} referrals" [people/year] = 800
flow "\${1} discharges" [people/year] = "\${1} occupied" / "\${1} average stay" * "Weeks per year"
flow "\${1} admissions" [people/year] = MIN("\${1} waiting" / DT + "\${1} referrals", "\${1} discharges" + MAX(0, "\${1} places" - "\${1} occupied") / DT)
  doc: "Everyone waiting and everyone referred this step, if there are enough free places (those left by discharges this step, and empty ones)."

aux "\${1} occupancy" = "\${1} occupied" / "\${1} places"`,
  },
  {
    id: 'unit-costs',
    label: 'Money: unit costs per place-week, home care hour and bed-day, with inflation',
    summary:
      'Spend per service from its activity and unit cost, whatever the cost is quoted per: a place-week ' +
      '(care homes, extra care), an hour (home care), a bed-day (hospital). Costs rise with a yearly inflation rate.',
    reads: ['"Residential occupied" [people]', '"Home care clients" [people]', '"Delayed discharges" [people]', '"Weeks per year" [week/year]'],
    body: `const "Yearly cost inflation" [1] = 3%
const "Price base year" [year] = 2025
aux "Price index" [1] = (1 + "Yearly cost inflation") ^ (TIME - "Price base year")

const "Residential cost per week" [GBP/(person*week)] = 1000
const "Home care hourly rate" [GBP/hour] = 28
const "Home care hours per client" [hour/(person*week)] = 10
const "Hospital cost per bed-day" [GBP/(person*day)] = 400
const "Days per year" [day/year] = 365.25

aux "Residential spend" [GBP/year] = "Residential occupied" * "Residential cost per week" * "Weeks per year" * "Price index"
aux "Home care spend" [GBP/year] = "Home care clients" * "Home care hours per client" * "Home care hourly rate" * "Weeks per year" * "Price index"
aux "Delayed discharge spend" [GBP/year] = "Delayed discharges" * "Hospital cost per bed-day" * "Days per year" * "Price index"`,
  },
  {
    id: 'funders',
    label: 'Money: who pays (council, NHS, self-funders), budgets, the gap and a pooled budget',
    summary:
      'Each service\'s spend split between funders by shares (set per service, and per scenario), spend by ' +
      'funder against each budget growing yearly, the gap, and a pooled budget for the services in the pool.',
    reads: ['"Residential spend" [GBP/year]', '"Home care spend" [GBP/year]', '"Delayed discharge spend" [GBP/year]', '"Price base year" [year]'],
    body: `dimension \${1:Service}: residential, home care, hospital
dimension Funder: council, NHS, self-funders

aux "Spend by service"[\${1}] [GBP/year] = 0
  [residential] = "Residential spend"
  [home care] = "Home care spend"
  [hospital] = "Delayed discharge spend"

const "Funder share"[\${1}, Funder] = 55%, 8%, 37%; 65%, 10%, 25%; 0%, 100%, 0%
  doc: "Who pays for each service (rows; columns: council, NHS, self-funders); each row adds up to 100%."
aux "Spend by funder"[Funder] [GBP/year] = SUM("Spend by service"[*] * "Funder share"[*, Funder])

const "Budget"[Funder] [GBP/year] = 70000000, 11000000, 0
const "Yearly budget growth" [1] = 2%
aux "Budget now"[Funder] [GBP/year] = "Budget" * (1 + "Yearly budget growth") ^ (TIME - "Price base year")
aux "Budget gap"[Funder] [GBP/year] = "Spend by funder" - "Budget now"
  [self-funders] = 0
  doc: "Spend above budget (negative: underspend)."

const "In the pool"[\${1}] = 0, 1, 1
  doc: "1 for services paid from the pooled (council and NHS) budget."
aux "Pooled spend" [GBP/year] = SUM("In the pool"[*] * ("Spend by service"[*] - "Spend by service"[*] * "Funder share"[*, self-funders]))`,
  },
  {
    id: 'levels',
    label: 'Money: spend by the five whole-system levels, and the share upstream',
    summary:
      'Spend totalled by the five levels commissioners report (1 citizenship, 2 prevention, 3 reablement and ' +
      'intermediate care, 4 community long-term support, 5 hospital and care homes), and the share spent ' +
      'above level 5: whether funding moves upstream.',
    reads: ['"Residential spend" [GBP/year]', '"Home care spend" [GBP/year]', '"Delayed discharge spend" [GBP/year]', '"Price index" [1]'],
    body: `dimension Level: citizenship, prevention, reablement, community support, hospital and care homes
  doc: "The five whole-system levels: 1 citizenship, inclusion and engagement; 2 prevention and minimum intervention; 3 intensive time-limited interventions; 4 community-based long-term support; 5 hospital, residential and nursing home care."

const "Other spend by level"[Level] [GBP/year] = 1500000, 3000000, 6000000, 0, 0
  doc: "Spend outside the modelled services, at base-year prices."
aux "Spend by level"[Level] [GBP/year] = "Other spend by level" * "Price index"
  [community support] = "Home care spend"
  [hospital and care homes] = "Residential spend" + "Delayed discharge spend"
aux "Share of spend upstream" = 1 - "Spend by level"[hospital and care homes] / SUM("Spend by level"[*])
  target: 45%
  better: higher`,
  },
  {
    id: 'indicator',
    label: 'Indicator: admissions per 100,000 aged 65+ with a target',
    summary:
      'A rate per 100,000 population with its target and direction: the dashboard rates it green, amber ' +
      '(within the amber band) or red for each scenario and year.',
    reads: ['"Residential admissions" [people/year]', '"Population 65+" [people]'],
    body: `aux "\${1:Care home admissions} per 100k aged 65+" [1/year] = "Residential admissions" / "Population 65+" * 100000
  target: 550
  better: lower
  amber: 50
  doc: "ASCOF 2A(2): long-term needs of people aged 65+ met by admission to residential and nursing care, per 100,000."`,
  },
];

/** A snippet's text with every placeholder at its default (what the docs show and the tests compile). */
export function snippetText(s: ModelSnippet): string {
  const defaults = new Map<string, string>();
  return s.body.replace(/\$\{(\d+)(?::([^}]*))?\}/g, (_all, n: string, value: string | undefined) => {
    if (value !== undefined) defaults.set(n, value);
    return value ?? defaults.get(n) ?? '';
  });
}
