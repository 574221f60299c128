/** What the statistics' API and pages share: reading the query into a scope, a period and the figures. */
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db.js';
import { can } from '../../platform/access.js';
import { parisDate } from '../../activites/dates.js';
import { lireFigures, type Filtre } from '../lecture.js';
import { codeConnu, resoudrePerimetre, type PerimetreResolu } from '../perimetre.js';
import { verifierFiltres } from '../filtres.js';
import { indicateurs, lireParametres, type Figures, type Indicateurs, type Parametres } from '../regles.js';

export type Lecture =
  | { ok: true; parametres: Parametres; perimetre: PerimetreResolu; figures: Figures; indicateurs: Indicateurs }
  /** `perimetre`: the scope, when it was resolved and readable (the error is then on a filter). */
  | { ok: false; status: 400 | 403; errors: Record<string, string>; perimetre?: PerimetreResolu; parametres?: Parametres };

/** The filter of a reading: the period, types, themes and the narrowing filters. */
export function filtreDe(p: Parametres): Filtre {
  return { du: p.du, au: p.au, types: p.types, thematiques: p.thematiques, conseillers: p.conseillers, structures: p.structures, departements: p.departements, communes: p.communes, lieux: p.lieux };
}

/** `query`: the request's query unless given (the page turns its « perimetre » choice into echelle and code). */
export async function lireStatistiques(db: Db, request: FastifyRequest, now = new Date(), query?: Record<string, unknown>): Promise<Lecture> {
  const p = lireParametres(query ?? ((request.query ?? {}) as Record<string, unknown>), parisDate(now), codeConnu);
  if (!p.ok) return { ok: false, status: 400, errors: p.errors };
  const r = await resoudrePerimetre(db, request.user!, p.value.echelle, p.value.code);
  if (!r.ok) return { ok: false, status: r.status, errors: { [r.param]: r.reason } };
  if (!can(request.user, 'statistiques:consulter', r.value.resource)) {
    const param = p.value.code ? 'code' : 'echelle';
    return { ok: false, status: 403, errors: { [param]: "Ce périmètre n'est pas dans vos droits : vos statistiques couvrent votre propre périmètre (sans code, il est choisi pour vous)." } };
  }
  const v = await verifierFiltres(db, r.value, p.value);
  if (!v.ok) return { ok: false, status: v.status, errors: v.errors, perimetre: r.value, parametres: p.value };
  const figures = await lireFigures(db, r.value.perimetre, filtreDe(p.value));
  return { ok: true, parametres: p.value, perimetre: r.value, figures, indicateurs: indicateurs(figures, p.value.au) };
}
