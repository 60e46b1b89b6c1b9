/**
 * Model names are human: `"People in care"`, `people_in_care` and `People  In Care` are the same
 * variable (as in XMILE). This key is what every lookup uses; the display form is kept separately.
 */
export function nameKey(name: string): string {
  return name.replace(/[_\s]+/g, ' ').trim().toLowerCase();
}

/** Element names are matched the same way as variable names. */
export const elementKey = nameKey;

/** Display form of a declared name: as written, with runs of blanks collapsed. */
export function displayName(name: string): string {
  return name.replace(/\s+/g, ' ').trim();
}
