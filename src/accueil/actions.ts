/**
 * What each role should do next, from the figures its dashboard already reads: pure functions, so
 * that every rule is tested without a page. Each action is a sentence and the page where it is done.
 */
import type { ActiviteCounts } from '../activites/activites.js';

export interface Action {
  texte: string;
  href: string;
  /** Why, in a few words (e.g. « rien d'enregistré cette semaine »). */
  detail?: string;
}

const pluriel = (n: number, un: string, plusieurs: string) => `${n} ${n > 1 ? plusieurs : un}`;

export function actionsConseiller(mine: ActiviteCounts | null, beneficiaires: number | null): Action[] {
  const out: Action[] = [
    {
      texte: 'Enregistrer une activité',
      href: '/activites/nouvelle',
      ...(mine && mine.activitesDeLaSemaine === 0 ? { detail: "rien d'enregistré depuis lundi" } : {}),
    },
  ];
  if (beneficiaires === 0) out.push({ texte: 'Suivre un bénéficiaire (avec son accord)', href: '/beneficiaires/nouveau', detail: 'pour retrouver ses accompagnements' });
  return out;
}

export function actionsCoordinateur(mine: ActiviteCounts | null, beneficiaires: number | null): Action[] {
  return [...actionsConseiller(mine, beneficiaires), { texte: "Voir les activités de l'équipe", href: '/activites/structure' }];
}

export interface FiguresStructure {
  /** The agreement waiting for the structure's signature. */
  conventionASigner?: { id: string; numero: number | string } | undefined;
  recrutement: { postes: number; occupes: number; nouvelles: number } | null;
  conseillers: number;
}

export function actionsStructure(f: FiguresStructure): Action[] {
  const out: Action[] = [];
  if (f.conventionASigner) out.push({ texte: `Signer la convention n° ${f.conventionASigner.numero}`, href: `/conventions/${f.conventionASigner.id}` });
  if (f.recrutement) {
    if (f.recrutement.nouvelles > 0) out.push({ texte: `Examiner ${pluriel(f.recrutement.nouvelles, 'nouveau candidat', 'nouveaux candidats')}`, href: '/recrutement?statut=nouvelle' });
    const libres = Math.max(0, f.recrutement.postes - f.recrutement.occupes);
    if (libres > 0 && f.recrutement.nouvelles === 0) out.push({ texte: `Recruter : ${pluriel(libres, 'poste à pourvoir', 'postes à pourvoir')}`, href: '/recrutement' });
  }
  if (f.conseillers > 0) out.push({ texte: 'Voir les activités de vos conseillers', href: '/activites/structure' });
  return out;
}

export interface FiguresInstruction {
  attenteAvis: number;
  examenComplementaire: number;
}

export function actionsPrefecture(f: FiguresInstruction): Action[] {
  const out: Action[] = [];
  if (f.attenteAvis > 0) out.push({ texte: `Donner votre avis sur ${pluriel(f.attenteAvis, 'candidature', 'candidatures')}`, href: '/programme/dossiers?avis=non' });
  return out;
}

export function actionsAnct(f: FiguresInstruction): Action[] {
  const out: Action[] = [];
  if (f.examenComplementaire > 0)
    out.push({ texte: `Réexaminer ${pluriel(f.examenComplementaire, 'dossier', 'dossiers')} en examen complémentaire`, href: '/programme/dossiers?statut=EXAMEN_COMPLEMENTAIRE_COSELEC' });
  out.push({ texte: 'Préparer un comité de sélection', href: '/programme/coselec' });
  return out;
}

export function actionsBanque(f: { aValider: number; alertes: number }): Action[] {
  const out: Action[] = [];
  if (f.aValider > 0) out.push({ texte: `Valider ${pluriel(f.aValider, 'convention signée', 'conventions signées')}`, href: '/conventions?par=structure&etat=en_instruction' });
  if (f.alertes > 0) out.push({ texte: `Regarder ${pluriel(f.alertes, 'convention en alerte', 'conventions en alerte')}`, href: '/conventions?par=structure&alerte=oui', detail: 'poste vacant depuis plus de 3 mois, fin proche sans renouvellement' });
  return out;
}
