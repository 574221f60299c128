/**
 * The compliance dashboard: one line per conseiller in post within the reader's scope — initial path
 * in progress / late / completed, certified or not, this year's module owed or done — and its exports.
 * Who is in post, where and since when come from src/recrutement (conseillers, periodesDesStructures,
 * membresPendant); the rest from this context's tables.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { conseillers as conseillersRecrutes, type LigneConseiller } from '../recrutement/lecture.js';
import { periodesDesStructures } from '../recrutement/recrutement.js';
import { membresPendant } from '../recrutement/equipes.js';
import { departement as departementDe } from '../territoires/territoires.js';
import { certifications, choixModules, inscriptions, organismes, parcours, sessions } from './schema.js';
import { coutFormation, estCertifie, statutModule, statutParcours, STATUTS_MODULE, STATUTS_PARCOURS, type StatutModule, type StatutParcours } from './regles.js';
import type { FormationScope } from './policy.js';

export interface LigneSuivi {
  conseillerId: string;
  nom: string;
  structure: string;
  departement: string;
  debutContrat: string;
  heuresRequises: number | null;
  heuresRealisees: number;
  statut: StatutParcours;
  certifie: boolean;
  module: StatutModule;
}

export interface FiltresSuivi {
  q?: string;
  departement?: string;
  statut?: StatutParcours;
  certifie?: boolean;
  module?: StatutModule;
}

const TOUS = { limit: 100_000, offset: 0 };

/** The conseillers in post the scope covers (a coordinator: their current team). */
async function enPoste(db: Db, scope: FormationScope, f: FiltresSuivi, today: string): Promise<LigneConseiller[]> {
  const filtres = { q: f.q, departement: f.departement, statut: 'RECRUTE' };
  const out = new Map<string, LigneConseiller>();
  if (scope.all || scope.departements.length || scope.structureIds.length) {
    for (const r of await conseillersRecrutes(db, { all: scope.all, departements: scope.departements, structureIds: scope.structureIds }, filtres, TOUS)) out.set(r.userId, r);
  }
  if (scope.coordinateurId && !scope.all) {
    const equipe = new Set((await membresPendant(db, scope.coordinateurId)).filter((m) => m.debut <= today && (m.fin === null || m.fin >= today)).map((m) => m.userId));
    if (equipe.size) for (const r of await conseillersRecrutes(db, { all: true, departements: [], structureIds: [] }, filtres, TOUS)) if (equipe.has(r.userId)) out.set(r.userId, r);
  }
  return [...out.values()];
}

export async function lignesSuivi(db: Db, scope: FormationScope, f: FiltresSuivi, today: string): Promise<LigneSuivi[]> {
  const annee = Number(today.slice(0, 4));
  const rows = await enPoste(db, scope, f, today);
  if (!rows.length) return [];
  const ids = rows.map((r) => r.userId);
  // The first contract's start: the clock of the « late » rule and of the annual module.
  const debuts = new Map<string, string>();
  for (const p of await periodesDesStructures(db, [...new Set(rows.map((r) => r.contrat.structureId))])) {
    const d = debuts.get(p.userId);
    if (!d || p.debut < d) debuts.set(p.userId, p.debut);
  }
  const [ps, heures, certs, choix] = await Promise.all([
    db.select({ id: parcours.conseillerId, h: parcours.heuresRequises }).from(parcours).where(inArray(parcours.conseillerId, ids)),
    db
      .select({ id: inscriptions.conseillerId, h: sql<number>`coalesce(sum(${inscriptions.heuresPresence}), 0)::int` })
      .from(inscriptions)
      .innerJoin(sessions, eq(sessions.id, inscriptions.sessionId))
      .where(and(inArray(inscriptions.conseillerId, ids), isNull(sessions.moduleId)))
      .groupBy(inscriptions.conseillerId),
    db.select().from(certifications).where(inArray(certifications.conseillerId, ids)),
    db.select().from(choixModules).where(and(inArray(choixModules.conseillerId, ids), eq(choixModules.annee, annee))),
  ]);
  const requises = new Map(ps.map((p) => [p.id, p.h]));
  const faites = new Map(heures.map((h) => [h.id, Number(h.h)]));
  const certMap = new Map(certs.map((c) => [c.conseillerId, c]));
  const choixMap = new Map(choix.map((c) => [c.conseillerId, c]));
  const lignes = rows.map((r): LigneSuivi => {
    const debut = debuts.get(r.userId) ?? r.contrat.dateDebut;
    const heuresRequises = requises.get(r.userId) ?? null;
    const heuresRealisees = faites.get(r.userId) ?? 0;
    return {
      conseillerId: r.userId,
      nom: `${r.prenom} ${r.nom}`,
      structure: r.structure,
      departement: r.departement,
      debutContrat: debut,
      heuresRequises,
      heuresRealisees,
      statut: statutParcours({ heuresRequises, heuresRealisees, debutContrat: debut }, today),
      certifie: estCertifie(certMap.get(r.userId)),
      module: statutModule(debut, annee, choixMap.get(r.userId)),
    };
  });
  return lignes.filter((l) => (!f.statut || l.statut === f.statut) && (f.certifie === undefined || l.certifie === f.certifie) && (!f.module || l.module === f.module));
}

export function compter(lignes: LigneSuivi[]): Record<StatutParcours, number> & { certifies: number; modulesDus: number } {
  const out = { non_positionne: 0, en_cours: 0, en_retard: 0, termine: 0, certifies: 0, modulesDus: 0 };
  for (const l of lignes) {
    out[l.statut]++;
    if (l.certifie) out.certifies++;
    if (l.module === 'du' || l.module === 'choisi') out.modulesDus++;
  }
  return out;
}

const LONG = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dateFr = (d: string) => LONG.format(new Date(`${d}T00:00:00Z`));

/** The export: labels and names, French dates, no ids or codes. */
export async function* lignesExport(db: Db, scope: FormationScope, f: FiltresSuivi, today: string): AsyncIterable<(string | number)[]> {
  const annee = today.slice(0, 4);
  yield ['Conseiller', 'Structure', 'Département', 'Début du contrat', 'Heures requises', 'Heures réalisées', 'Parcours initial', 'Certifié', `Module ${annee}`];
  for (const l of await lignesSuivi(db, scope, f, today)) {
    const d = departementDe(l.departement);
    yield [l.nom, l.structure, d ? `${d.nom} (${d.code})` : l.departement, dateFr(l.debutContrat), l.heuresRequises ?? '', l.heuresRealisees, STATUTS_PARCOURS[l.statut], l.certifie ? 'Oui' : 'Non', STATUTS_MODULE[l.module]];
  }
}

// ——— Costs (Banque des Territoires) ———

export interface LigneCout {
  conseillerId: string;
  nom: string;
  structure: string;
  heures: number;
  coutCentimes: number;
  organismes: string;
}

/** Every conseiller in post with their training cost: hours done with each provider × its hourly rate. */
export async function lignesCouts(db: Db, scope: FormationScope, today: string): Promise<LigneCout[]> {
  const rows = await enPoste(db, scope, {}, today);
  if (!rows.length) return [];
  const parts = await db
    .select({ id: inscriptions.conseillerId, organisme: organismes.nom, taux: organismes.tauxHoraireCentimes, h: sql<number>`coalesce(sum(${inscriptions.heuresPresence}), 0)::int` })
    .from(inscriptions)
    .innerJoin(sessions, eq(sessions.id, inscriptions.sessionId))
    .innerJoin(organismes, eq(organismes.id, sessions.organismeId))
    .where(inArray(inscriptions.conseillerId, rows.map((r) => r.userId)))
    .groupBy(inscriptions.conseillerId, organismes.id, organismes.nom, organismes.tauxHoraireCentimes);
  const par = new Map<string, { heures: number; tauxHoraireCentimes: number; organisme: string }[]>();
  for (const p of parts) par.set(p.id, [...(par.get(p.id) ?? []), { heures: Number(p.h), tauxHoraireCentimes: p.taux, organisme: p.organisme }]);
  return rows
    .map((r) => {
      const l = par.get(r.userId) ?? [];
      return { conseillerId: r.userId, nom: `${r.prenom} ${r.nom}`, structure: r.structure, heures: l.reduce((s, x) => s + x.heures, 0), coutCentimes: coutFormation(l), organismes: l.map((x) => x.organisme).join(', ') };
    })
    .filter((l) => l.heures > 0);
}
