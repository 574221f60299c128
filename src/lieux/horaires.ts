/**
 * Opening hours in OpenStreetMap `opening_hours` syntax, through the `opening_hours` package:
 * validation, "open now" status and the week's table, always in Europe/Paris wall-clock time
 * whatever the server's time zone, and the form editor (days × time ranges + exceptions) that
 * writes the OSM string.
 *
 * The package evaluates a Date with its local fields (getHours…). We hand it a "wall-clock" Date
 * whose local fields are the Paris time of the instant, so that its answers are Paris times too.
 */
import { createRequire } from 'node:module';
import type OpeningHours from 'opening_hours';
import { parisWall } from '../platform/paris.js';
import { boundedCache } from '../platform/cache.js';

/** The package, loaded at the first string read (its ~0.1 s stays out of start-up). */
let openingHoursClass: typeof OpeningHours | undefined;
function OH(): typeof OpeningHours {
  return (openingHoursClass ??= createRequire(import.meta.url)('opening_hours') as typeof OpeningHours);
}

/** France, for public holidays (`PH`). */
const NOMINATIM = { lat: 48.85, lon: 2.35, address: { country_code: 'fr', state: 'Île-de-France' } };

/** Parsed strings: a place list reuses few distinct strings; bounded (LRU) so odd input cannot grow it. */
const cache = boundedCache<string, { oh: OpeningHours | null }>({ name: 'lieux.horaires-analysees', max: 20_000, ttlMs: 24 * 3_600_000 });

/** Parses an OSM string (cached); null when it cannot be read. */
export function parseHoraires(value: string): OpeningHours | null {
  const hit = cache.get(value);
  if (hit) return hit.oh;
  let oh: OpeningHours | null;
  try {
    oh = new (OH())(value, NOMINATIM as never);
  } catch {
    oh = null;
  }
  cache.set(value, { oh });
  return oh;
}

/** Why an OSM string cannot be read (first line of the package's message), or null when it can. */
export function horairesProblem(value: string): string | null {
  try {
    new (OH())(value, NOMINATIM as never);
    return null;
  } catch (e) {
    return String(e instanceof Error ? e.message : e)
      .split('\n')[0]!
      .slice(0, 200);
  }
}

/** A Date whose local fields are the Paris wall-clock time of `instant`. */
export function parisWallClock(instant: Date): Date {
  const w = parisWall(instant);
  return new Date(w.y, w.m - 1, w.d, w.h, w.min, w.s);
}

const JOURS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
const MOIS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** 17 h, 17 h 30 (French typography). */
export function heure(d: Date): string {
  const h = d.getHours();
  const m = d.getMinutes();
  return m ? `${h} h ${String(m).padStart(2, '0')}` : `${h} h`;
}

function dayStart(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** « à 17 h », « demain à 9 h », « lundi à 9 h », « le 3 mars à 9 h ». */
function when(change: Date, now: Date): string {
  const days = Math.round((dayStart(change) - dayStart(now)) / 86_400_000);
  if (days === 0) return `à ${heure(change)}`;
  if (days === 1) return `demain à ${heure(change)}`;
  if (days < 7) return `${JOURS[change.getDay()]} à ${heure(change)}`;
  return `le ${change.getDate()} ${MOIS[change.getMonth()]} à ${heure(change)}`;
}

export interface Statut {
  /** open / closed / unknown (hours absent, unreadable or marked unknown). */
  etat: 'ouvert' | 'ferme' | 'inconnu';
  /** « Ouvert maintenant · ferme à 17 h », « Fermé · ouvre lundi à 9 h »… */
  texte: string;
}

/** Open or closed at `instant`, in Paris time, with the next change. */
export function statutHoraires(value: string | null | undefined, instant: Date = new Date()): Statut {
  if (!value) return { etat: 'inconnu', texte: 'Horaires non communiqués' };
  const oh = parseHoraires(value);
  if (!oh) return { etat: 'inconnu', texte: 'Horaires non communiqués' };
  const now = parisWallClock(instant);
  const limit = new Date(now.getTime() + 15 * 86_400_000);
  try {
    if (oh.getUnknown(now)) return { etat: 'inconnu', texte: 'Horaires à confirmer' };
    const open = oh.getState(now);
    const next = oh.getNextChange(now, limit);
    if (open) return { etat: 'ouvert', texte: next ? `Ouvert maintenant · ferme ${when(next, now)}` : 'Ouvert maintenant' };
    return { etat: 'ferme', texte: next ? `Fermé · ouvre ${when(next, now)}` : 'Fermé' };
  } catch {
    return { etat: 'inconnu', texte: 'Horaires non communiqués' };
  }
}

/**
 * The next opening after `instant` (Paris time) of a place closed then, within two weeks: the
 * Paris wall-clock Date (comparable between places) and its words (« demain à 8 h 30 »). Null
 * when the place is open at `instant`, never opens in that time, or its hours cannot be read.
 */
export function prochaineOuverture(value: string | null | undefined, instant: Date = new Date()): { wall: Date; texte: string } | null {
  if (!value) return null;
  const oh = parseHoraires(value);
  if (!oh) return null;
  const now = parisWallClock(instant);
  const limit = new Date(now.getTime() + 15 * 86_400_000);
  try {
    if (oh.getState(now)) return null;
    let at = now;
    // The next change of a closed place may be to an "unknown" state: look further for a real opening.
    for (let i = 0; i < 20; i++) {
      const next = oh.getNextChange(at, limit);
      if (!next) return null;
      if (oh.getState(next) && !oh.getUnknown(next)) return { wall: next, texte: when(next, now) };
      at = next;
    }
    return null;
  } catch {
    return null;
  }
}

/** A calendar date (YYYY-MM-DD, or an ISO instant) in French words: « 17 juin 2022 », « 1er avril 2026 ». */
export function dateFrancaise(value: string | null | undefined): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value ?? '');
  if (!m) return null;
  const d = Number(m[3]);
  const mois = MOIS[Number(m[2]) - 1];
  if (!mois || d < 1 || d > 31) return null;
  return `${d === 1 ? '1er' : d} ${mois} ${m[1]}`;
}

/** Whether a place is open at `instant` (Paris time); unknown counts as not open. */
export function estOuvert(value: string | null | undefined, instant: Date = new Date()): boolean {
  return estOuvertA(value, parisWallClock(instant));
}

/** The same at a Paris wall-clock Date already computed (searches: once per request, not per place). */
export function estOuvertA(value: string | null | undefined, wallClock: Date): boolean {
  if (!value) return false;
  const oh = parseHoraires(value);
  if (!oh) return false;
  try {
    return oh.getState(wallClock);
  } catch {
    return false;
  }
}

export interface JourHoraires {
  jour: string;
  date: string;
  plages: string[];
  aujourdhui: boolean;
}

/** The current week, Monday to Sunday (Paris time), with each day's opening ranges (exceptions applied). */
export function semaineHoraires(value: string | null | undefined, instant: Date = new Date()): JourHoraires[] | null {
  if (!value) return null;
  const oh = parseHoraires(value);
  if (!oh) return null;
  const now = parisWallClock(instant);
  const monday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - ((now.getDay() + 6) % 7));
  const out: JourHoraires[] = [];
  for (let i = 0; i < 7; i++) {
    const from = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + i);
    const to = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + i + 1);
    let plages: string[] = [];
    try {
      plages = oh.getOpenIntervals(from, to).map(([a, b, unknown, comment]) => {
        const end = b.getTime() === to.getTime() ? '24 h' : heure(b);
        return `${heure(a)} – ${end}${unknown ? ' (à confirmer)' : ''}${comment ? ` (${comment})` : ''}`;
      });
    } catch {
      plages = [];
    }
    out.push({
      jour: JOURS[from.getDay()]!,
      date: `${from.getDate() === 1 ? '1er' : from.getDate()} ${MOIS[from.getMonth()]}`,
      plages,
      aujourdhui: dayStart(from) === dayStart(now),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The editor: one field per day (time ranges) plus exceptions, ⇄ the OSM string.

export const OSM_DAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] as const;
export const DAY_LABELS = ['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi', 'Samedi', 'Dimanche'];

export interface HorairesGrille {
  /** Per day Mo…Su: ranges as typed, e.g. « 9h-12h, 14h-17h30 » or « 09:00-12:00,14:00-17:30 ». */
  jours: string[];
  /** Further OSM rules appended as is: « PH off », « 2025 Dec 24-Dec 31 off »… */
  exceptions: string;
}

function hhmm(s: string): string | null {
  const m = /^(\d{1,2})(?:\s*[h:]\s*(\d{2})?)?$/i.exec(s.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** « 9h-12h, 14h-17h30 » → « 09:00-12:00,14:00-17:30 »; null when unreadable. */
export function normaliseRanges(text: string): string | null {
  const t = text.trim();
  if (!t) return '';
  const out: string[] = [];
  for (const part of t.split(/\s*[,;]\s*|\s+et\s+/)) {
    if (!part) continue;
    const [a, b, ...rest] = part.split(/\s*[-–à]\s*/);
    if (rest.length || a === undefined || b === undefined) return null;
    const from = hhmm(a);
    const to = hhmm(b);
    if (!from || !to || from >= to) return null;
    out.push(`${from}-${to}`);
  }
  return out.join(',');
}

/** Builds the OSM string from the grid; days with the same ranges are grouped (Mo-Fr). */
export function grilleVersOsm(g: HorairesGrille): { value: string; erreurs: Record<string, string> } {
  const erreurs: Record<string, string> = {};
  const ranges = g.jours.map((text, i) => {
    const r = normaliseRanges(text ?? '');
    if (r === null) erreurs[`horaires_${OSM_DAYS[i]}`] = `${DAY_LABELS[i]} : plages illisibles. Écrivez par exemple 9h-12h, 14h-17h30.`;
    return r ?? '';
  });
  const rules: string[] = [];
  for (let i = 0; i < 7; ) {
    if (!ranges[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < 7 && ranges[j + 1] === ranges[i]) j++;
    const days = j === i ? OSM_DAYS[i] : j === i + 1 ? `${OSM_DAYS[i]},${OSM_DAYS[j]}` : `${OSM_DAYS[i]}-${OSM_DAYS[j]}`;
    rules.push(`${days} ${ranges[i]}`);
    i = j + 1;
  }
  const exceptions = g.exceptions.trim().replace(/^;+|;+$/g, '').trim();
  if (exceptions) rules.push(exceptions);
  const value = rules.join('; ');
  if (value && !Object.keys(erreurs).length) {
    const p = horairesProblem(value);
    if (p) erreurs.horaires_exceptions = `Horaires illisibles : ${p}`;
  }
  return { value, erreurs };
}

/**
 * Reads an OSM string back into the grid when it is made of simple day rules
 * (`Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00`); any other rule goes to the exceptions.
 */
export function osmVersGrille(value: string | null | undefined): HorairesGrille {
  const jours = ['', '', '', '', '', '', ''];
  const autres: string[] = [];
  for (const rule of (value ?? '').split(';').map((r) => r.trim()).filter(Boolean)) {
    const m = /^((?:(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)(?:,(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)*)\s+(\d{2}:\d{2}-\d{2}:\d{2}(?:,\d{2}:\d{2}-\d{2}:\d{2})*)$/.exec(rule);
    if (!m) {
      autres.push(rule);
      continue;
    }
    const days = new Set<number>();
    for (const span of m[1]!.split(',')) {
      const [a, b] = span.split('-') as [string, string | undefined];
      const i = OSM_DAYS.indexOf(a as (typeof OSM_DAYS)[number]);
      const j = b ? OSM_DAYS.indexOf(b as (typeof OSM_DAYS)[number]) : i;
      for (let k = i; ; k = (k + 1) % 7) {
        days.add(k);
        if (k === j) break;
      }
    }
    if ([...days].some((d) => jours[d])) {
      autres.push(rule); // a later rule overriding a day: keep the string as written
      continue;
    }
    for (const d of days) jours[d] = m[2]!.replace(/,/g, ', ');
  }
  return { jours, exceptions: autres.join('; ') };
}
