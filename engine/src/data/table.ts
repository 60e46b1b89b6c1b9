/**
 * A data table as the engine reads it (a project's imported table, or a CSV file next to a model):
 * column names and rows of cells. The services layer finds tables by name; the engine never reads
 * files itself.
 */
export interface DataTableData {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | string | null)[])[];
}

/** Finds a data table by name: undefined when there is none by that name, a string when it exists but cannot be read (why). */
export type DataTableSource = (name: string) => DataTableData | string | undefined;
