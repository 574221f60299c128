/** What the statistics' API and pages share: reading the query into a scope, a period and the figures. */
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db.js';
import { can } from '../../platform/access.js';
import { parisDate } from '../../activites/dates.js';
import { lireFigures } from '../lecture.js';
import { codeConnu, resoudrePerimetre, type PerimetreResolu } from '../perimetre.js';
import { indicateurs, lireParametres, type Figures, type Indicateurs, type Parametres } from '../regles.js';

export type Lecture =
  | { ok: true; parametres: Parametres; perimetre: PerimetreResolu; figures: Figures; indicateurs: Indicateurs }
  | { ok: false; status: 400 | 403; errors: Record<string, string> };

export async function lireStatistiques(db: Db, request: FastifyRequest, now = new Date()): Promise<Lecture> {
  const p = lireParametres((request.query ?? {}) as Record<string, unknown>, parisDate(now), codeConnu);
  if (!p.ok) return { ok: false, status: 400, errors: p.errors };
  const r = await resoudrePerimetre(db, request.user!, p.value.echelle, p.value.code);
  if (!r.ok) return { ok: false, status: r.status, errors: { [r.param]: r.reason } };
  if (!can(request.user, 'statistiques:consulter', r.value.resource)) {
    const param = p.value.code ? 'code' : 'echelle';
    return { ok: false, status: 403, errors: { [param]: "Ce périmètre n'est pas dans vos droits : vos statistiques couvrent votre propre périmètre (sans code, il est choisi pour vous)." } };
  }
  const filtre = { du: p.value.du, au: p.value.au, types: p.value.types, thematiques: p.value.thematiques };
  const figures = await lireFigures(db, r.value.perimetre, filtre);
  return { ok: true, parametres: p.value, perimetre: r.value, figures, indicateurs: indicateurs(figures, p.value.au) };
}
