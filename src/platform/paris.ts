/** Europe/Paris wall-clock readings, shared by every context that reasons in French local time. */

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export interface ParisWall {
  y: number;
  m: number;
  d: number;
  h: number;
  min: number;
  s: number;
}

/** The Paris wall-clock reading of an instant (year, month 1–12, day, hour 0–23, minute, second). */
export function parisWall(t: Date): ParisWall {
  const p: Record<string, number> = {};
  for (const x of PARTS.formatToParts(t)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour!, min: p.minute!, s: p.second! };
}

const DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Europe/Paris calendar date (YYYY-MM-DD) at an instant. */
export function parisCalendarDate(t: Date = new Date()): string {
  return DATE.format(t);
}
