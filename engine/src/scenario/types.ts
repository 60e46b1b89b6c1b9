import type { Interpolation } from '../language/ast.js';
import type { OverrideProblem, OverrideValue } from '../sim/overrides.js';

/**
 * A scenario: a named set of assumptions on a base model ("More extra care", "-20% residential").
 * Plain JSON, stored in projects. Values of constants and stock initial values are applied as run
 * overrides (no recompiling); graphical functions get new points by rewriting the model before
 * compiling, since the kernel builds its tables in.
 */
export interface ScenarioDefinition {
  readonly name: string;
  readonly description?: string;
  /** Constants and stock initial values by name (`"Length of stay"`, `"rate[85+]"`, an array for every element). */
  readonly overrides?: Readonly<Record<string, OverrideValue>>;
  /** Graphical functions by name (`"Admission pressure"`, or one element's table: `"Population projection[85+]"`). */
  readonly graphs?: Readonly<Record<string, GraphOverride>>;
  /**
   * Graphical functions whose points come from two columns of a project data table (a population
   * projection by year). The extension point for data: resolved into graph points by a
   * `DataTableSource`, so a new kind of data binding adds a resolver, not a new run path.
   */
  readonly data?: Readonly<Record<string, DataOverride>>;
}

export interface GraphOverride {
  /** (x, y) pairs, x increasing. */
  readonly points: readonly (readonly [number, number])[];
  /** Keeps the graph's own interpolation when left out. */
  readonly interpolation?: Interpolation;
}

export interface DataOverride {
  /** The data table's name. */
  readonly table: string;
  /** The column giving x (usually the year) and the column giving y. */
  readonly x: string;
  readonly y: string;
  readonly interpolation?: Interpolation;
}

export type { DataTableData, DataTableSource } from '../data/table.js';

export type ScenarioProblemCode =
  | OverrideProblem['code']
  | 'not-a-graph'
  | 'bad-points'
  | 'duplicate'
  | 'unknown-data-table'
  | 'unknown-column'
  | 'no-data-tables'
  | 'graph-rejected'
  | 'invalid';

/**
 * Why part of a scenario cannot be applied to the model as it is now (a variable renamed or
 * removed, no longer a constant, a different number of elements). Always reported, never dropped.
 */
export interface ScenarioProblem {
  readonly scenario: string;
  readonly kind: 'value' | 'graph' | 'data' | 'scenario';
  /** The override's name as the scenario writes it. */
  readonly target: string;
  readonly code: ScenarioProblemCode;
  readonly message: string;
}
