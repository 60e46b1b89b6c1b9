/**
 * The benchmark models, generated as Vensim .mdl text so that our engine, the C emitter and
 * SDEverywhere all read the very same file. Names are plain ASCII words: every engine accepts them.
 */

export interface BenchModel {
  readonly name: string;
  readonly mdl: string;
  /** Variables every engine must agree on (compared at every saved time). */
  readonly compare: readonly string[];
  /** Whether SDEverywhere can run it (it has no RK4 and no runtime for some builtins). */
  readonly sde: boolean;
}

const eq = (lhs: string, rhs: string, units = ''): string => `${lhs} = ${rhs}\n\t~\t${units}\n\t~\t|\n`;

function control(stop: number, dt: number, save: number | 'dt'): string {
  return [
    '\n********************************************************\n\t.Control\n********************************************************~\n\t|\n',
    eq('FINAL TIME', String(stop)),
    eq('INITIAL TIME', '0'),
    eq('SAVEPER', save === 'dt' ? 'TIME STEP' : String(save)),
    eq('TIME STEP', String(dt)),
  ].join('\n');
}

/** A chain of n stocks, each draining into the next: the classic large-model stress test. */
export function chain(n: number, stop = 100, dt = 0.125, save: number | 'dt' = 1): BenchModel {
  const out: string[] = ['{UTF-8}\n', eq('inflow', '10'), eq('residence time', '4')];
  for (let i = 1; i <= n; i++) {
    const inflow = i === 1 ? 'inflow' : `flow ${i - 1}`;
    out.push(eq(`stock ${i}`, `INTEG(${inflow} - flow ${i}, ${(i % 7) + 1})`));
    out.push(eq(`flow ${i}`, `stock ${i} / (residence time + ${(i % 5) / 10})`));
  }
  return { name: `chain-${n}`, mdl: out.join('\n') + control(stop, dt, save), compare: ['stock 1', `stock ${n}`, `flow ${Math.ceil(n / 2)}`], sde: true };
}

/** An arrayed ageing chain: population by area and age band, births, ageing on and deaths. */
export function ageing(bands = 20, areas = 150, stop = 50, dt = 0.25): BenchModel {
  const list = (prefix: string, n: number): string => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`).join(', ');
  const out: string[] = ['{UTF-8}\n', `Area:\n\t${list('A', areas)}\n\t~\t\n\t~\t|\n`, `Age:\n\t${list('B', bands)}\n\t~\t\n\t~\t|\n`];
  out.push(eq('population[Area,Age]', 'INTEG(ageing in[Area,Age] - ageing on[Area,Age] - deaths[Area,Age], 1000)'));
  out.push(eq('ageing on[Area,Age]', 'population[Area,Age] / band length'));
  out.push(eq('band length', '5'));
  out.push(eq('deaths[Area,Age]', 'population[Area,Age] * mortality[Age] * area factor[Area]'));
  out.push(eq('mortality[Age]', Array.from({ length: bands }, (_, i) => String(0.001 * (i + 1) * (i + 1) / 10)).join(', ')));
  out.push(eq('area factor[Area]', Array.from({ length: areas }, (_, i) => String(0.9 + (i % 10) / 50)).join(', ')));
  out.push(eq('births[Area]', 'SUM(population[Area,Age!]) * birth rate'));
  out.push(eq('birth rate', '0.012'));
  out.push(eq('ageing in[Area,B1]', 'births[Area]'));
  for (let b = 2; b <= bands; b++) out.push(eq(`ageing in[Area,B${b}]`, `ageing on[Area,B${b - 1}]`));
  out.push(eq('total population', 'SUM(population[Area!,Age!])'));
  return { name: `ageing-${bands}x${areas}`, mdl: out.join('\n') + control(stop, dt, 1), compare: ['total population', 'population[A1,B1]', `population[A${areas},B${bands}]`], sde: true };
}

/**
 * A care pathway per area: referrals wait for a limited number of places, a graphical function
 * turns occupancy into a discharge pressure, treatment is a third-order delay, follow-up a fixed
 * delay and the demand signal a first-order smooth.
 */
export function carePathway(areas = 100, stop = 200, dt = 0.125): BenchModel {
  const list = Array.from({ length: areas }, (_, i) => `R${i + 1}`).join(', ');
  const out: string[] = ['{UTF-8}\n', `Region:\n\t${list}\n\t~\t\n\t~\t|\n`];
  out.push(eq('referrals[Region]', 'base referrals[Region] * (1 + 0.2 * SIN(Time / 8))'));
  out.push(eq('base referrals[Region]', Array.from({ length: areas }, (_, i) => String(20 + (i % 13))).join(', ')));
  out.push(eq('waiting[Region]', 'INTEG(referrals[Region] + readmissions[Region] - admissions[Region], 50)'));
  out.push(eq('admissions[Region]', 'MIN(waiting[Region] / 0.5, MAX(0, places[Region] - in care[Region]) / 0.25 + discharges[Region])'));
  out.push(eq('places[Region]', Array.from({ length: areas }, (_, i) => String(150 + (i % 17) * 5)).join(', ')));
  out.push(eq('in care[Region]', 'INTEG(admissions[Region] - discharges[Region], 100)'));
  out.push(eq('discharges[Region]', 'DELAY3I(admissions[Region], length of stay[Region], 16)'));
  out.push(eq('length of stay[Region]', 'base stay / pressure effect(occupancy[Region])'));
  out.push(eq('base stay', '6'));
  out.push(eq('occupancy[Region]', 'in care[Region] / places[Region]'));
  out.push('pressure effect(\n\t[(0,0)-(2,2)],(0,1),(0.5,1),(0.8,1.05),(0.9,1.15),(1,1.35),(1.2,1.6),(2,1.8))\n\t~\t\n\t~\t|\n');
  out.push(eq('readmissions[Region]', 'DELAY FIXED(discharges[Region] * readmission fraction, 30, 0)'));
  out.push(eq('readmission fraction', '0.08'));
  out.push(eq('perceived demand[Region]', 'SMOOTH(referrals[Region], 12)'));
  out.push(eq('total waiting', 'SUM(waiting[Region!])'));
  return { name: `care-pathway-${areas}`, mdl: out.join('\n') + control(stop, dt, 1), compare: ['total waiting', 'in care[R1]', `discharges[R${areas}]`, `perceived demand[R${areas}]`], sde: false };
}

/** n equations (about n/2 stocks and n/2 flows) with some cross-links: for compile-time scaling. */
export function equations(n: number): BenchModel {
  const m = chain(Math.max(1, Math.floor(n / 2)), 10, 0.25);
  return { ...m, name: `equations-${n}` };
}

/** A model of the SDXorg suite, by its path under ../shared/test-models/samples. */
export function sample(name: string, mdl: string, compare: readonly string[]): BenchModel {
  return { name, mdl, compare, sde: true };
}
