/**
 * The agreements' pure rules (no I/O): calendar arithmetic on Europe/Paris calendar dates
 * (`YYYY-MM-DD`), the amount of an agreement, which contract holds which post and when, what each
 * post justifies, what remains justifiable, what must be repaid, and the alerts. Every figure comes
 * with the line that explains it.
 *
 * Months are counted on the calendar: from the 1st of January to the 30th of June is 6 months; a
 * part of a month counts its days over the days of that month (15 days of a 30-day month: 0.5).
 */
import { toCardinal } from 'n2words/fr-FR';
import { formatEuros } from '../platform/money.js';
import { isCalendarDate } from '../platform/http.js';

export const STATUTS_CONVENTION = {
  CONVENTIONNEMENT_EN_COURS: 'Conventionnement en cours',
  CONVENTIONNEMENT_VALIDE: 'Conventionnement validé',
  RECONVENTIONNEMENT_INITIE: 'Reconventionnement initié',
  RECONVENTIONNEMENT_VALIDE: 'Reconventionnement validé',
  NON_INTERESSE: 'Non intéressée par le reconventionnement',
} as const;
export type StatutConvention = keyof typeof STATUTS_CONVENTION;

/** The agreement file's own path. */
export const ETATS_DOSSIER = {
  en_construction: 'En construction (à signer par la structure)',
  en_instruction: 'En instruction (Banque des Territoires)',
  accepte: 'Accepté',
  refuse: 'Refusé',
  sans_suite: 'Classé sans suite',
} as const;
export type EtatDossier = keyof typeof ETATS_DOSSIER;

export const ETATS_POSTE = { vacant: 'Vacant', occupe: 'Occupé', rendu: 'Rendu' } as const;
export type EtatPoste = keyof typeof ETATS_POSTE;

export const NATURES_REGIME = { conventionnement: 'Premier conventionnement', reconventionnement: 'Reconventionnement (renouvellement)' } as const;
export type NatureRegime = keyof typeof NATURES_REGIME;

/** An agreement with the State lasts at most 36 months; a longer funding is a renewal. */
export const DUREE_MAX_MOIS = 36;
/** A post vacant for longer than this is flagged. */
export const ALERTE_VACANCE_MOIS = 3;
/** An agreement ending within this many days with no renewal started is flagged. */
export const ALERTE_FIN_JOURS = 90;

export const LIMITES = { nomRegime: 150, reference: 100, motif: 1000, signataire: 150, fonction: 150, moisFinances: 120, montantPosteCentimes: 100_000_000, libelleDocument: 200 };

// ——— Calendar dates ———

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(d: string): [number, number, number] {
  const m = DATE.exec(d);
  if (!m) throw new Error(`Date invalide : ${d}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

const iso = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export function addDays(d: string, n: number): string {
  const [y, m, j] = parts(d);
  return new Date(Date.UTC(y, m - 1, j + n)).toISOString().slice(0, 10);
}

/** The same day n months later, or the month's last day (31 January + 1 month = 28 or 29 February). */
export function addMonths(d: string, n: number): string {
  const [y, m, j] = parts(d);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  return iso(ny, nm, Math.min(j, daysIn(ny, nm)));
}

/** The last day an agreement starting on `debut` may run: 36 months, the day before the anniversary. */
export const finMaximale = (debut: string, mois = DUREE_MAX_MOIS) => addDays(addMonths(debut, mois), -1);

/** Months from `du` to `au`, both included (0 when `au` is before `du`), on the calendar. */
export function moisEntre(du: string, au: string): number {
  if (au < du) return 0;
  const finExclue = addDays(au, 1);
  let n = 0;
  let cur = du;
  for (;;) {
    const next = addMonths(du, n + 1);
    if (next > finExclue) break;
    n++;
    cur = next;
  }
  // The remainder: the days left over those of the month that starts at `cur`.
  const [y, m] = parts(cur);
  const reste = (Date.parse(`${finExclue}T00:00:00Z`) - Date.parse(`${cur}T00:00:00Z`)) / 86_400_000;
  return n + reste / daysIn(y, m);
}

export const frDate = (d: string | null | undefined) => (d ? d.split('-').reverse().join('/') : '—');
const min = (a: string, b: string) => (a < b ? a : b);
const max = (a: string, b: string) => (a > b ? a : b);

/** « 12,5 mois » */
const MOIS = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
export const formatMois = (m: number) => `${MOIS.format(m)} mois`;

// ——— Amounts ———

export interface RegimeMontants {
  montantPosteCentimes: number;
  moisFinances: number;
  bonificationCentimes: number;
}

/** What one post is worth under a regime: the amount, plus the bonification in a priority territory (ZRR or QPV). */
export function montantUnitaire(r: RegimeMontants, prioritaire: boolean): number {
  return r.montantPosteCentimes + (prioritaire ? r.bonificationCentimes : 0);
}

/** An amount in words, as an agreement writes it: « cent quinze mille euros », « un million d'euros ». */
export function montantEnLettres(centimes: number): string {
  if (!Number.isInteger(centimes) || centimes < 0) throw new Error('Montant invalide');
  const euros = Math.floor(centimes / 100);
  const cts = centimes % 100;
  const mots = toCardinal(euros);
  const de = /(million|milliard)s?$/.test(mots) ? " d'euros" : euros > 1 ? ' euros' : ' euro';
  const partieEuros = euros === 0 && cts > 0 ? '' : `${mots}${de}`;
  const partieCts = cts ? `${toCardinal(cts)} centime${cts > 1 ? 's' : ''}` : '';
  return [partieEuros, partieCts].filter(Boolean).join(' et ');
}

// ——— Posts and contracts ———

export interface PosteSpec {
  numero: number;
  /** The date the post was granted (the decision, or an amendment that added it). */
  debut: string;
  /** The date the post was returned (an amendment): not funded from that day. */
  renduLe: string | null;
}

export interface ContratSpec {
  id: string;
  nom: string;
  debut: string;
  /** Last day of the contract (rupture or end); null: running with no end (CDI). */
  fin: string | null;
  /** The contract it renews: the same person goes on on the same post. */
  renouvelle: string | null;
}

export interface Occupation {
  contratId: string;
  nom: string;
  du: string;
  au: string | null;
}

/**
 * Which contract holds which post: contracts in order of start; each takes the post of the contract it
 * renews when it is free, otherwise the lowest-numbered post free that day (granted by then when one
 * is). A contract that finds no free post is returned apart (more contracts than posts: shown, never
 * silently dropped). Deterministic: the same contracts always give the same posts.
 */
export function attribuerPostes(postes: readonly PosteSpec[], contrats: readonly ContratSpec[]): { occupations: Map<number, Occupation[]>; sansPoste: ContratSpec[] } {
  const occupations = new Map<number, Occupation[]>(postes.map((p) => [p.numero, []]));
  const posteDuContrat = new Map<string, number>();
  const sansPoste: ContratSpec[] = [];
  const ordre = [...postes].sort((a, b) => a.numero - b.numero);
  const tries = [...contrats].sort((a, b) => (a.debut < b.debut ? -1 : a.debut > b.debut ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const c of tries) {
    const libre = (p: PosteSpec) => (p.renduLe === null || p.renduLe > c.debut) && occupations.get(p.numero)!.every((o) => o.au !== null && o.au < c.debut);
    const precedent = c.renouvelle ? posteDuContrat.get(c.renouvelle) : undefined;
    const choix =
      ordre.find((p) => p.numero === precedent && libre(p)) ?? ordre.find((p) => p.debut <= c.debut && libre(p)) ?? ordre.find((p) => libre(p));
    if (!choix) {
      sansPoste.push(c);
      continue;
    }
    occupations.get(choix.numero)!.push({ contratId: c.id, nom: c.nom, du: c.debut, au: c.fin });
    posteDuContrat.set(c.id, choix.numero);
  }
  return { occupations, sansPoste };
}

export interface Segment {
  etat: EtatPoste;
  du: string;
  /** Last day; null for the current segment. */
  au: string | null;
  contratId?: string;
  nom?: string;
}

/** A post's dated history up to `today`: vacant, occupied by whom, returned. The last segment is the current state. */
export function historiquePoste(p: PosteSpec, occ: readonly Occupation[], today: string): Segment[] {
  const out: Segment[] = [];
  const fin = p.renduLe ? min(addDays(p.renduLe, -1), today) : today;
  let cur = p.debut;
  for (const o of occ) {
    const du = max(o.du, p.debut);
    const au = o.au === null ? fin : min(o.au, fin);
    if (du > fin || au < du) continue;
    if (du > cur) out.push({ etat: 'vacant', du: cur, au: addDays(du, -1) });
    out.push({ etat: 'occupe', du, au, contratId: o.contratId, nom: o.nom });
    cur = addDays(au, 1);
  }
  if (cur <= fin) out.push({ etat: 'vacant', du: cur, au: fin });
  if (p.renduLe && p.renduLe <= today) out.push({ etat: 'rendu', du: p.renduLe, au: null });
  if (out.length === 0) out.push({ etat: p.renduLe && p.renduLe <= today ? 'rendu' : 'vacant', du: p.debut, au: null });
  // The current segment runs on (until something changes); an earlier vacancy ends where the next begins.
  const last = out[out.length - 1]!;
  if (last.au === today || last.etat === 'rendu') last.au = null;
  return out;
}

/** Months a post was occupied within [du, au] (both included). */
export function moisOccupes(occ: readonly Occupation[], du: string, au: string): number {
  let n = 0;
  for (const o of occ) {
    const a = max(o.du, du);
    const b = o.au === null ? au : min(o.au, au);
    n += moisEntre(a, b);
  }
  return n;
}

// ——— One agreement, computed ———

export interface ConventionSpec extends RegimeMontants {
  prioritaire: boolean;
  debut: string;
  fin: string;
  postes: readonly PosteSpec[];
  contrats: readonly ContratSpec[];
  verseCentimes: number;
  /** A renewal is under way (no alert for the end). */
  renouvellement: boolean;
}

export interface LignePoste {
  numero: number;
  etat: EtatPoste;
  depuis: string;
  historique: Segment[];
  /** Who holds it now. */
  titulaire: string | null;
  unitaireCentimes: number;
  /** The most this post may justify: its amount, prorated to its return date when returned. */
  plafondCentimes: number;
  moisFinancables: number;
  moisOccupes: number;
  justifieCentimes: number;
  /** What it could still justify if occupied from tomorrow to the end. */
  encoreCentimes: number;
  /** The computation in words: « 12 mois occupés × 57 500,00 € ÷ 24 mois = 28 750,00 € ». */
  calcul: string;
}

export interface Alerte {
  type: 'poste_vacant' | 'fin_sans_renouvellement' | 'contrat_sans_poste';
  message: string;
}

export interface CalculConvention {
  montantCentimes: number;
  justifieCentimes: number;
  encoreJustifiableCentimes: number;
  aReverserCentimes: number;
  resteAVerserCentimes: number;
  postes: LignePoste[];
  alertes: Alerte[];
  /** The computation of the totals, line by line. */
  lignes: string[];
}

/**
 * Everything an agreement shows, from its regime, dates, posts, the structure's contracts and what
 * was paid, as of `today`:
 * - amount (committed) = Σ posts of the amount per post (+ bonification); a returned post counts only
 *   the months before its return: amount × months ÷ months funded;
 * - justified, per post = amount per post × months actually occupied ÷ months funded, capped at the
 *   post's amount (occupation counted from the post's grant or the agreement's start, whichever is
 *   later, to the agreement's end, its return, or today);
 * - still justifiable = what the posts not returned could add if occupied from tomorrow to the end;
 * - to repay = paid − (justified + still justifiable) when positive: at the end, paid − justified.
 */
export function calculerConvention(s: ConventionSpec, today: string): CalculConvention {
  const unit = montantUnitaire(s, s.prioritaire);
  const { occupations, sansPoste } = attribuerPostes(s.postes, s.contrats);
  const postes: LignePoste[] = [];
  const alertes: Alerte[] = [];
  const parMois = (mois: number) => Math.round((unit * mois) / s.moisFinances);
  for (const p of [...s.postes].sort((a, b) => a.numero - b.numero)) {
    const occ = occupations.get(p.numero) ?? [];
    const du = max(p.debut, s.debut);
    const finPoste = p.renduLe ? min(addDays(p.renduLe, -1), s.fin) : s.fin;
    const moisFinancables = moisEntre(du, finPoste);
    const plafond = p.renduLe ? Math.min(unit, parMois(moisFinancables)) : unit;
    const jusqua = min(finPoste, today);
    const mOcc = moisOccupes(occ, du, jusqua);
    const justifie = Math.min(plafond, parMois(mOcc));
    const restant = today < finPoste ? moisEntre(max(addDays(today, 1), du), finPoste) : 0;
    const encore = Math.max(0, Math.min(plafond - justifie, parMois(restant)));
    const historique = historiquePoste(p, occ, today);
    const courant = historique[historique.length - 1]!;
    const calcul =
      `${formatMois(mOcc)} occupé${mOcc >= 2 ? 's' : ''} × ${formatEuros(unit)} ÷ ${formatMois(s.moisFinances)} financés = ${formatEuros(parMois(mOcc))}` +
      (parMois(mOcc) > plafond ? `, plafonné à ${formatEuros(plafond)}` : '') +
      (p.renduLe ? ` (poste rendu le ${frDate(p.renduLe)} : plafond ${formatEuros(unit)} × ${formatMois(moisFinancables)} ÷ ${formatMois(s.moisFinances)} = ${formatEuros(plafond)})` : '');
    postes.push({
      numero: p.numero,
      etat: courant.etat,
      depuis: courant.du,
      historique,
      titulaire: courant.etat === 'occupe' ? courant.nom ?? null : null,
      unitaireCentimes: unit,
      plafondCentimes: plafond,
      moisFinancables,
      moisOccupes: mOcc,
      justifieCentimes: justifie,
      encoreCentimes: encore,
      calcul,
    });
    if (courant.etat === 'vacant' && today <= s.fin && addMonths(courant.du, ALERTE_VACANCE_MOIS) <= today) {
      alertes.push({ type: 'poste_vacant', message: `Poste n° ${p.numero} vacant depuis le ${frDate(courant.du)} (plus de ${ALERTE_VACANCE_MOIS} mois).` });
    }
  }
  for (const c of sansPoste) alertes.push({ type: 'contrat_sans_poste', message: `Le contrat de ${c.nom} (depuis le ${frDate(c.debut)}) ne trouve aucun poste libre de la convention.` });
  if (!s.renouvellement && today <= s.fin && addDays(today, ALERTE_FIN_JOURS) >= s.fin) {
    alertes.push({ type: 'fin_sans_renouvellement', message: `La convention se termine le ${frDate(s.fin)} et aucun reconventionnement n'est engagé.` });
  }
  const montant = postes.reduce((a, p) => a + p.plafondCentimes, 0);
  const justifie = postes.reduce((a, p) => a + p.justifieCentimes, 0);
  const encore = postes.reduce((a, p) => a + p.encoreCentimes, 0);
  const aReverser = Math.max(0, s.verseCentimes - justifie - encore);
  const actifs = s.postes.filter((p) => !p.renduLe).length;
  const lignes = [
    `Montant conventionné : ${actifs} poste${actifs > 1 ? 's' : ''} × ${formatEuros(unit)}${s.prioritaire ? ` (dont bonification de ${formatEuros(s.bonificationCentimes)} en territoire prioritaire)` : ''}` +
      (actifs < s.postes.length ? ` + postes rendus au prorata` : '') +
      ` = ${formatEuros(montant)}`,
    `Versé : ${formatEuros(s.verseCentimes)} ; reste à verser : ${formatEuros(Math.max(0, montant - s.verseCentimes))}`,
    `Justifié au ${frDate(min(today, s.fin))} : ${formatEuros(justifie)} (somme des postes)`,
    today < s.fin ? `Encore justifiable d'ici le ${frDate(s.fin)} si les postes sont occupés : ${formatEuros(encore)}` : 'Convention échue : plus rien à justifier',
    `À reverser : versé ${formatEuros(s.verseCentimes)} − justifié ${formatEuros(justifie)}${today < s.fin ? ` − encore justifiable ${formatEuros(encore)}` : ''} = ${formatEuros(aReverser)}${aReverser === 0 ? ' (rien à reverser)' : ''}`,
  ];
  return { montantCentimes: montant, justifieCentimes: justifie, encoreJustifiableCentimes: encore, aReverserCentimes: aReverser, resteAVerserCentimes: Math.max(0, montant - s.verseCentimes), postes, alertes, lignes };
}

// ——— Input ———

/** A calendar date: the platform's one check (src/platform/http.ts). */
export const isDate = isCalendarDate;

/** Strictly a non-negative integer number of cents (a JSON number, or digits in a form). */
export function centimes(v: unknown): number {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : NaN;
  if (typeof v === 'string' && /^\d{1,12}$/.test(v.trim())) return Number(v.trim());
  return NaN;
}

/** An agreement's dates: start, end after it, at most 36 months. */
export function validateDates(debut: unknown, fin: unknown): { ok: true; debut: string; fin: string } | { ok: false; errors: Record<string, string> } {
  const e: Record<string, string> = {};
  if (!isDate(debut)) e.date_debut = 'Indiquez la date de début (JJ/MM/AAAA).';
  if (!isDate(fin)) e.date_fin = 'Indiquez la date de fin (JJ/MM/AAAA).';
  else if (isDate(debut)) {
    if (fin <= debut) e.date_fin = 'La date de fin doit suivre la date de début.';
    else if (fin > finMaximale(debut)) e.date_fin = `Une convention dure au plus ${DUREE_MAX_MOIS} mois : elle doit se terminer au plus tard le ${frDate(finMaximale(debut))}. Au-delà, c'est un reconventionnement.`;
  }
  return Object.keys(e).length ? { ok: false, errors: e } : { ok: true, debut: debut as string, fin: fin as string };
}

export interface RegimeInput {
  nom: unknown;
  entreeDu: unknown;
  entreeAu: unknown;
  montantPosteCentimes: unknown;
  moisFinances: unknown;
  bonificationCentimes: unknown;
  nature: unknown;
}

export interface RegimeValide {
  nom: string;
  entreeDu: string;
  entreeAu: string | null;
  montantPosteCentimes: number;
  moisFinances: number;
  bonificationCentimes: number;
  nature: NatureRegime;
}

export function validateRegime(i: RegimeInput): { ok: true; value: RegimeValide } | { ok: false; errors: Record<string, string> } {
  const e: Record<string, string> = {};
  const nom = typeof i.nom === 'string' ? i.nom.trim() : '';
  if (!nom) e.nom = 'Indiquez le nom du régime.';
  else if (nom.length > LIMITES.nomRegime) e.nom = `Le nom doit contenir au plus ${LIMITES.nomRegime} caractères.`;
  if (!isDate(i.entreeDu)) e.entree_du = "Indiquez la date à partir de laquelle les entrées dans le programme relèvent de ce régime.";
  const au = i.entreeAu === null || i.entreeAu === undefined || i.entreeAu === '' ? null : i.entreeAu;
  if (au !== null && !isDate(au)) e.entree_au = 'Date de fin invalide (laissez vide pour un régime ouvert).';
  else if (au !== null && isDate(i.entreeDu) && (au as string) < (i.entreeDu as string)) e.entree_au = 'La fin des entrées doit suivre leur début.';
  const montant = centimes(i.montantPosteCentimes);
  if (!Number.isInteger(montant) || montant <= 0 || montant > LIMITES.montantPosteCentimes) e.montant_poste_centimes = 'Le montant par poste est un nombre entier et positif de centimes.';
  const bonif = i.bonificationCentimes === '' || i.bonificationCentimes === undefined ? 0 : centimes(i.bonificationCentimes);
  if (!Number.isInteger(bonif) || bonif < 0 || bonif > LIMITES.montantPosteCentimes) e.bonification_centimes = 'La bonification est un nombre entier de centimes (0 sans bonification).';
  const mois = typeof i.moisFinances === 'number' ? i.moisFinances : typeof i.moisFinances === 'string' && /^\d{1,3}$/.test(i.moisFinances.trim()) ? Number(i.moisFinances) : NaN;
  if (!Number.isInteger(mois) || mois < 1 || mois > LIMITES.moisFinances) e.mois_finances = `Le nombre de mois financés est un entier de 1 à ${LIMITES.moisFinances}.`;
  if (i.nature !== 'conventionnement' && i.nature !== 'reconventionnement') e.nature = 'Choisissez premier conventionnement ou reconventionnement.';
  if (Object.keys(e).length) return { ok: false, errors: e };
  return { ok: true, value: { nom, entreeDu: i.entreeDu as string, entreeAu: au as string | null, montantPosteCentimes: montant, moisFinances: mois, bonificationCentimes: bonif, nature: i.nature as NatureRegime } };
}

/** The regime that funds an entry on `date`: the one of that nature whose period covers it (the latest opened when several). */
export function regimeOuvert<R extends { entreeDu: string; entreeAu: string | null; nature: string }>(regimes: readonly R[], nature: NatureRegime, date: string): R | undefined {
  return [...regimes]
    .filter((r) => r.nature === nature && r.entreeDu <= date && (r.entreeAu === null || r.entreeAu >= date))
    .sort((a, b) => (a.entreeDu < b.entreeDu ? 1 : -1))[0];
}

/** A payment: a date, a positive whole number of cents, a reference. */
export function validateVersement(i: { date: unknown; montantCentimes: unknown; reference: unknown }): { ok: true; value: { date: string; montantCentimes: number; reference: string } } | { ok: false; errors: Record<string, string> } {
  const e: Record<string, string> = {};
  if (!isDate(i.date)) e.date = 'Indiquez la date du versement (AAAA-MM-JJ).';
  const m = centimes(i.montantCentimes);
  if (!Number.isInteger(m) || m <= 0) e.montant_centimes = 'Le montant est un nombre entier et positif de centimes.';
  const ref = typeof i.reference === 'string' ? i.reference.trim() : '';
  if (!ref) e.reference = 'Indiquez la référence du versement.';
  else if (ref.length > LIMITES.reference) e.reference = `La référence doit contenir au plus ${LIMITES.reference} caractères.`;
  if (Object.keys(e).length) return { ok: false, errors: e };
  return { ok: true, value: { date: i.date as string, montantCentimes: m, reference: ref } };
}

/** The agreement status a structure is at, from its agreements (latest last). */
export function prochaineEtape(etat: EtatDossier, statut: StatutConvention): string {
  switch (etat) {
    case 'en_construction':
      return 'La structure relit la convention et la signe (ou dépose la convention contresignée).';
    case 'en_instruction':
      return 'La Banque des Territoires instruit la convention signée, puis la valide.';
    case 'accepte':
      return statut === 'NON_INTERESSE' ? 'La structure ne demande pas de reconventionnement.' : 'Convention validée : la Banque des Territoires verse la subvention ; la structure justifie les postes occupés.';
    case 'refuse':
      return 'Convention refusée : contactez la Banque des Territoires.';
    case 'sans_suite':
      return 'Convention classée sans suite.';
  }
}
