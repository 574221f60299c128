/** What the programme's API answers: one shape per resource, and its problems (application/problem+json). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db.js';
import { STATUTS, type Statut } from '../regles.js';
import { historique, type Dossier, type ProgrammeError } from '../dossiers.js';
import { avenantsDe, type Avenant } from '../avenants.js';
import type { EnveloppeDepasseeError, LignePostes } from '../postes.js';

export type Body = Record<string, unknown>;
export const bodyOf = (request: FastifyRequest): Body => (request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Body) : {});
export const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

export function invalid(reply: FastifyReply, errors: Record<string, string | undefined>, status = 400, title = 'Requête invalide') {
  const params = Object.entries(errors)
    .filter(([, m]) => m)
    .map(([name, reason]) => ({ name, reason }));
  return reply.problem(status, title, params.map((p) => p.reason).join(' '), { invalid_params: params });
}

export function programmeProblem(reply: FastifyReply, e: ProgrammeError) {
  const title = e.status === 404 ? 'Ressource introuvable' : e.status === 409 ? 'Conflit avec l’état du dossier' : 'Requête invalide';
  return reply.problem(e.status, title, e.message, { invalid_params: [{ name: e.field, reason: e.message }] });
}

export function enveloppeProblem(reply: FastifyReply, e: EnveloppeDepasseeError) {
  return reply.problem(409, 'Enveloppe dépassée', e.message, {
    invalid_params: [{ name: 'derogation', reason: 'Une enveloppe serait dépassée : donnez une dérogation motivée ou modifiez les décisions.' }],
    depassements: e.depassements.map((d) => ({ territoire: d.code, libelle: d.libelle, enveloppe: d.enveloppe, postes_avant: d.avant, postes_apres: d.apres, dossiers: d.dossiers })),
  });
}

export function avenantPayload(a: Avenant) {
  return {
    id: a.id,
    type: a.type,
    postes: a.postesDemandes,
    postes_avant: a.postesAvant,
    motif: a.motif,
    temps_coordinateur: a.tempsCoordinateur,
    statut: a.statut,
    avis_prefet: a.avisPrefet ? { avis: a.avisPrefet, commentaire: a.avisCommentaire, date: a.avisLe?.toISOString() ?? null } : null,
    postes_accordes: a.postesAccordes,
    refus: a.refus,
    decide_le: a.decideLe?.toISOString() ?? null,
    cree_le: a.createdAt.toISOString(),
  };
}

export async function dossierPayload(db: Db, d: Dossier) {
  const [events, avenants] = await Promise.all([historique(db, d.id), avenantsDe(db, d.id)]);
  return {
    id: d.structureId,
    dossier_id: d.id,
    numero: d.numero,
    statut: d.statut,
    statut_libelle: STATUTS[d.statut as Statut] ?? d.statut,
    nom: d.nom,
    siret: d.siret,
    type: d.type,
    commune_insee: d.communeInsee,
    departement: d.departement,
    postes_souhaites: d.postesSouhaites,
    postes_valides: d.postesValides,
    date_debut: d.dateDebut,
    prioritaire: d.prioritaire,
    avis_prefet: d.avisPrefet ? { avis: d.avisPrefet, commentaire: d.avisCommentaire, date: d.avisLe?.toISOString() ?? null, par: d.avisPar } : null,
    historique: events.map((e) => ({ date: e.le.toISOString(), type: e.type, resume: e.resume, acteur: e.acteur })),
    avenants: avenants.map(avenantPayload),
    depose_le: d.createdAt.toISOString(),
  };
}

export const postesPayload = (l: LignePostes) => ({
  code: l.code,
  libelle: l.libelle,
  enveloppe: l.enveloppe,
  postes_valides: l.postesValides,
  postes_occupes: l.postesOccupes,
  postes_vacants: l.postesVacants,
  dossiers_en_attente: l.dossiersEnAttente,
});
