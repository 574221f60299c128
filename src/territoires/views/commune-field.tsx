/**
 * The one way a commune is asked: a text field taking a name, a postcode or an INSEE code.
 * - Without JavaScript, the server resolves what was typed; when it designates several communes
 *   (a shared name, a postcode covering several), the form comes back with them as radio buttons
 *   (`codeName`, with `${codeName}_pour` holding the text they were offered for).
 * - With JavaScript (public/commune.js), suggestions as you type from GET /api/v1/communes, in the
 *   ARIA 1.2 combobox pattern (listbox, arrow keys, Enter, Escape); a pick fills the same fields.
 */
import { departement, trouverCommune, type Commune } from '../territoires.js';

export interface CommuneFieldProps {
  /** The text field (and the key of its error). */
  name: string;
  /** The field carrying the picked INSEE code. */
  codeName: string;
  label: string;
  hint?: string;
  /** What was typed, or the label of the commune resolved. */
  value: string;
  /** The INSEE code picked or resolved, if any. */
  code?: string | undefined;
  error?: string | undefined;
  /** The communes to choose from (an ambiguous or misspelt answer). */
  choix?: readonly Commune[];
  required?: boolean;
  cls?: string;
  id?: string;
}

/**
 * The field's state from a form's values and errors: the text, the code when it was picked for that
 * text, and — when the text did not designate one commune — the communes to choose from, the message
 * then saying only why (the list is under it).
 */
export function communeFieldState(values: Record<string, string | undefined>, errors: Record<string, string | undefined>, name = 'commune', codeName = 'commune_insee') {
  const value = values[name] ?? '';
  const code = values[codeName] && (values[`${codeName}_pour`] ?? '') === value ? values[codeName] : undefined;
  const trouvee = errors[name] && value ? trouverCommune(value) : null;
  const choix = trouvee && !trouvee.ok ? trouvee.choix : [];
  return { value, code, choix, error: trouvee && !trouvee.ok && choix.length ? trouvee.error : errors[name] };
}

/** How a commune is written back into the field once resolved: « Forbach (57) ». */
export const communeSaisie = (c: Pick<Commune, 'nom' | 'departement'>) => `${c.nom} (${c.departement})`;

export function CommuneField(p: CommuneFieldProps) {
  const id = `champ-${p.name}`;
  const choix = p.choix ?? [];
  const describedBy = [p.hint ? `${id}-aide` : '', p.error ? `${id}-erreur` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`cn-commune${p.cls ? ' ' + p.cls : ''}`} id={p.id} data-commune={p.codeName}>
      <div class={`fr-input-group${p.error ? ' fr-input-group--error' : ''}`}>
        <label class="fr-label" for={id}>
          {p.label}
          {p.required ? null : <span class="fr-hint-text">Facultatif</span>}
          <span class="fr-hint-text" id={`${id}-aide`}>
            {p.hint ?? 'Son nom, son code postal ou son code INSEE, par exemple Forbach ou 57600.'}
          </span>
        </label>
        <input
          class={`fr-input${p.error ? ' fr-input--error' : ''}`}
          id={id}
          name={p.name}
          type="text"
          value={p.value}
          maxLength={100}
          autocomplete="off"
          spellcheck={false}
          aria-describedby={describedBy}
          aria-invalid={p.error ? 'true' : undefined}
          required={p.required}
        />
        {choix.length === 0 && p.code ? (
          <>
            <input type="hidden" name={p.codeName} value={p.code} />
            <input type="hidden" name={`${p.codeName}_pour`} value={p.value} />
          </>
        ) : null}
        {p.error ? (
          <p class="fr-error-text" id={`${id}-erreur`}>
            {p.error}
          </p>
        ) : null}
      </div>
      {choix.length ? (
        <fieldset class="fr-fieldset" id={`${id}-choix`} aria-labelledby={`${id}-choix-legende`}>
          <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id={`${id}-choix-legende`}>
            Quelle commune ?
          </legend>
          <input type="hidden" name={`${p.codeName}_pour`} value={p.value} />
          {choix.map((c, i) => (
            <div class="fr-fieldset__element">
              <div class="fr-radio-group">
                <input type="radio" id={`${id}-choix-${i}`} name={p.codeName} value={c.insee} checked={p.code === c.insee} />
                <label class="fr-label" for={`${id}-choix-${i}`}>
                  {c.nom}
                  <span class="fr-hint-text">
                    {departement(c.departement)?.nom ?? c.departement} ({c.departement}){c.codesPostaux.length ? ` — ${c.codesPostaux.length > 1 ? 'codes postaux' : 'code postal'} ${c.codesPostaux.slice(0, 4).join(', ')}${c.codesPostaux.length > 4 ? '…' : ''}` : ''}
                  </span>
                </label>
              </div>
            </div>
          ))}
        </fieldset>
      ) : null}
      {/* a module runs once per page, however many fields include it */}
      <script type="module" src="/static/commune.js"></script>
    </div>
  );
}
