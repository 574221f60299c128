/** Money is integer euro cents everywhere; these are the two ways a person reads or types it. */

/** One formatter for the process: building an Intl.NumberFormat costs about 40 times a format. */
const EUROS = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** « 1 801,80 € » from cents. */
export function formatEuros(centimes: number): string {
  return `${EUROS.format(centimes / 100)} €`;
}

/** « 1801,80 » or « 1 801.80 » typed by a person → cents; NaN when unreadable. */
export function centimesDepuisEuros(v: string): number {
  const t = v.replace(/[\s\u00a0€]/g, '').replace(',', '.');
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(t)) return NaN;
  return Math.round(Number(t) * 100);
}
