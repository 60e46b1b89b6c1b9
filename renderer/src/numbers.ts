/** How the workbench shows numbers to modellers. */

/** A table cell: whole numbers grouped, others to six significant figures. */
export function format(v: number | null): string {
  if (v === null) return '';
  if (Number.isInteger(v)) return v.toLocaleString('en-GB');
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-GB') : String(Number(v.toPrecision(6)));
}

/** A time step as a modeller writes it: 1/52 rather than 0.019230769230769232. */
export function describeStep(dt: number | undefined): string {
  if (dt === undefined || !Number.isFinite(dt) || dt <= 0) return String(dt);
  const per = 1 / dt;
  if (dt < 1 && Math.abs(per - Math.round(per)) < 1e-9) return `1/${Math.round(per)}`;
  return String(Number(dt.toPrecision(6)));
}
