/**
 * A honeypot field for public forms: invisible to people (moved off-screen by the `cn-honeypot`
 * class, hidden from assistive technologies, out of the tab order, no autofill), but filled in by
 * naive bots. A request with it filled in is answered like a success, and nothing is done.
 */
export const HONEYPOT_FIELD = 'site_web';

export function Honeypot() {
  return (
    <div class="cn-honeypot" aria-hidden="true">
      <label for={`champ-${HONEYPOT_FIELD}`}>Laissez ce champ vide (il sert à repérer les robots)</label>
      <input id={`champ-${HONEYPOT_FIELD}`} type="text" name={HONEYPOT_FIELD} value="" tabIndex={-1} autocomplete="off" />
    </div>
  );
}

/** Whether a submitted form (urlencoded body, or formBody's strings) has the honeypot filled in. */
export function honeypotFilled(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const v = (body as Record<string, unknown>)[HONEYPOT_FIELD];
  const s = Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '';
  return s.trim() !== '';
}
