/**
 * The journal in words: each action code and object type in French, a link to the object when it has
 * a page, and a readable before/after (field: old → new). Pure functions, no I/O.
 */
import { formatDateTime, formatNumber } from '../platform/views/components.js';

const ACTIONS: Record<string, string> = {
  'activite.creee': 'Activité enregistrée',
  'activite.modifiee': 'Activité modifiée',
  'activite.supprimee': 'Activité supprimée',
  'beneficiaire.cree': 'Bénéficiaire créé',
  'beneficiaire.efface': 'Bénéficiaire effacé',
  'beneficiaire.fusionne': 'Bénéficiaires fusionnés',
  'beneficiaire.modifie': 'Bénéficiaire modifié',
  'beneficiaires.anonymises': 'Bénéficiaires anonymisés',
  'conventions.contresignee': 'Convention contresignée déposée',
  'conventions.dates': 'Dates de convention modifiées',
  'conventions.montant': 'Montant de convention modifié',
  'conventions.non_interesse': 'Structure non intéressée par le reconventionnement',
  'conventions.ouverte': 'Convention ouverte',
  'conventions.reconventionnement': 'Reconventionnement demandé',
  'conventions.regime_cree': 'Régime de financement créé',
  'conventions.regime_modifie': 'Régime de financement modifié',
  'conventions.signature': 'Convention signée par la structure',
  'conventions.validee': 'Convention validée',
  'conventions.versement': 'Versement enregistré',
  'conventions.refuse': 'Convention refusée',
  'conventions.sans_suite': 'Convention classée sans suite',
  'demo.reinitialisee': 'Démonstration réinitialisée',
  'formation.bareme_modifie': 'Barème du positionnement modifié',
  'formation.certification_enregistree': 'Certification enregistrée',
  'formation.inscription': 'Inscription à une session de formation',
  'formation.module_choisi': 'Module thématique choisi',
  'formation.module_publie': 'Module thématique publié au catalogue',
  'formation.module_realise': 'Module thématique réalisé',
  'formation.organisme_cree': 'Organisme de formation créé',
  'formation.parcours_ajuste': 'Parcours de formation ajusté',
  'formation.personnel_invite': "Personne rattachée à l'organisme de formation",
  'formation.positionnement_enregistre': 'Positionnement enregistré',
  'formation.presence_enregistree': 'Présence à une session enregistrée',
  'formation.session_publiee': 'Session de formation publiée',
  'formation.sujet_propose': 'Thème de module proposé',
  'formation.vote': 'Vote pour un thème de module',
  'jeton.cree': "Jeton d'API créé",
  'jeton.revoque': "Jeton d'API révoqué",
  'jetons.revoques': "Jetons d'API révoqués",
  'lieu.cree': 'Lieu créé',
  'lieu.modifie': 'Lieu modifié',
  'lieux.importes': 'Lieux importés',
  'programme.avenant_avis': "Avis sur un avenant",
  'programme.avenant_demande': 'Avenant demandé',
  'programme.avenant_refuse': 'Avenant refusé',
  'programme.avenant_valide': 'Avenant validé',
  'programme.avis_prefet': 'Avis du préfet',
  'programme.candidature_deposee': 'Candidature de structure déposée',
  'programme.coselec_cloture': 'Comité de sélection clos',
  'programme.coselec_cloture_derogation': 'Comité de sélection clos par dérogation',
  'programme.coselec_cree': 'Comité de sélection créé',
  'programme.decision': 'Décision du comité',
  'programme.decision_retiree': 'Décision retirée',
  'programme.enveloppe': 'Enveloppe de postes modifiée',
  'programme.priorite': 'Priorité modifiée',
  'programme.statut': 'Statut de dossier modifié',
  'recrutement.candidat_modifie': 'Profil de candidat modifié',
  'recrutement.candidat_pause': 'Candidature mise en pause',
  'recrutement.candidat_reprise': 'Candidature reprise',
  'recrutement.candidat_retire': 'Candidature retirée',
  'recrutement.candidature_deposee': 'Candidature de conseiller déposée',
  'recrutement.contrat_annule': 'Contrat annulé',
  'recrutement.contrat_saisi': 'Contrat saisi',
  'recrutement.coordination_ajoutee': 'Coordination ajoutée',
  'recrutement.coordination_supprimee': 'Coordination supprimée',
  'recrutement.cv_depose': 'CV déposé',
  'recrutement.cv_purge': 'CV effacé (durée de conservation)',
  'recrutement.cv_supprime': 'CV supprimé',
  'recrutement.equipe_membre_ajoute': "Membre ajouté à l'équipe",
  'recrutement.equipe_membre_fin': "Fin d'un membre de l'équipe",
  'recrutement.prolongation': 'Contrat prolongé',
  'recrutement.renouvellement': 'Contrat renouvelé',
  'recrutement.rupture_declaree': 'Rupture de contrat déclarée',
  'recrutement.rupture_documents': 'Pièces de rupture déposées',
  'recrutement.rupture_validee': 'Rupture de contrat validée',
  'recrutement.valide': 'Recrutement validé',
  'structure.creee': 'Structure créée',
  'structure.document_ajoute': 'Document de structure ajouté',
  'structure.document_supprime': 'Document de structure supprimé',
  'structure.modifiee': 'Structure modifiée',
  'tache.relancee': 'Tâche de fond relancée',
  'utilisateur.cree': 'Compte créé',
  'utilisateur.mot_de_passe': 'Mot de passe changé',
  'utilisateur.role_ajoute': 'Rôle ajouté',
  'utilisateur.role_retire': 'Rôle retiré',
  'utilisateur.desactive': 'Compte désactivé',
  'utilisateur.reactive': 'Compte réactivé',
};

/** Mise en relation statuses written as `recrutement.<statut>`. */
const MISE_EN_RELATION: Record<string, string> = {
  nouvelle: 'Mise en relation créée',
  interessee: 'Candidat présélectionné',
  nonInteressee: 'Candidat non retenu',
  recrutee: 'Contrat saisi (mise en relation)',
  finalisee: 'Recrutement validé (mise en relation)',
};

/** The action in French; an unknown code is still said in words (never shown as a code). */
export function actionLabel(code: string): string {
  const known = ACTIONS[code];
  if (known) return known;
  const [ctx, rest] = code.split('.', 2) as [string, string | undefined];
  if (ctx === 'recrutement' && rest && MISE_EN_RELATION[rest]) return MISE_EN_RELATION[rest]!;
  const words = (rest ?? ctx).replace(/[_.]/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const OBJETS: Record<string, { label: string; page?: (id: string) => string }> = {
  activite: { label: 'Activité', page: (id) => `/activites/${id}/modifier` },
  avenant: { label: 'Avenant' },
  beneficiaire: { label: 'Bénéficiaire', page: (id) => `/beneficiaires/${id}` },
  candidat: { label: 'Candidat' },
  convention: { label: 'Convention', page: (id) => `/conventions/${id}` },
  coordination: { label: 'Coordination' },
  coselec: { label: 'Comité de sélection', page: (id) => `/programme/coselec/${id}` },
  demo: { label: 'Démonstration' },
  dossier: { label: 'Dossier de candidature' },
  equipe: { label: 'Équipe' },
  formation: { label: 'Formation d’un conseiller', page: (id) => `/formation/conseillers/${id}` },
  bareme_formation: { label: 'Barème du positionnement', page: () => '/formation/bareme' },
  jeton: { label: "Jeton d'API" },
  lieu: { label: 'Lieu', page: (id) => `/lieux/${id}` },
  mise_en_relation: { label: 'Mise en relation' },
  module_formation: { label: 'Module thématique', page: () => '/formation/catalogue' },
  organisme_formation: { label: 'Organisme de formation', page: (id) => `/formation/organismes/${id}` },
  proposition_formation: { label: 'Thème de module proposé', page: () => '/formation/catalogue' },
  regime: { label: 'Régime de financement', page: () => '/conventions/regimes' },
  session_formation: { label: 'Session de formation' },
  structure: { label: 'Structure', page: (id) => `/structures/${id}` },
  tache: { label: 'Tâche de fond', page: () => '/admin/taches' },
  territoire: { label: 'Territoire' },
  utilisateur: { label: 'Compte', page: (id) => `/admin/utilisateurs/${id}` },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The object in words, and the page that shows it (when it has one and its id is a real id). */
export function objetLabel(type: string, id: string | null): { label: string; href: string | null } {
  const o = OBJETS[type];
  const label = o?.label ?? type.replace(/_/g, ' ');
  const href = o?.page && id && UUID.test(id) ? o.page(id) : null;
  return { label, href };
}

export interface Changement {
  champ: string;
  avant: string | null;
  apres: string | null;
}

/** A field name in words: « date_maj » → « date maj », « dureeMinutes » → « duree minutes ». */
function champ(key: string): string {
  return key
    .replace(/_/g, ' ')
    .replace(/([a-zà-ÿ])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

/** A stored value in words, short: dates and times in Paris, booleans oui/non, lists joined. */
export function valeur(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'oui' : 'non';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v.split('-').reverse().join('/');
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) && !Number.isNaN(Date.parse(v))) return formatDateTime(v);
    return v.length > 120 ? `${v.slice(0, 120)}…` : v;
  }
  if (Array.isArray(v)) return v.length ? v.map(valeur).join(', ') : '—';
  const entries = Object.entries(v as Record<string, unknown>);
  const s = entries.map(([k, x]) => `${champ(k)} : ${valeur(x)}`).join(' ; ');
  return s.length > 200 ? `${s.slice(0, 200)}…` : s || '—';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Before/after as a list of changed fields. Two objects: only the fields that differ. One side only
 * (a creation, a deletion): its fields. Plain values: one line. At most `max` lines.
 */
export function changements(before: unknown, after: unknown, max = 12): Changement[] {
  const present = (v: unknown) => v !== null && v !== undefined;
  let out: Changement[];
  if (isRecord(before) || isRecord(after)) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    out = keys
      .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
      .map((k) => ({ champ: champ(k), avant: isRecord(before) ? valeur(b[k]) : null, apres: isRecord(after) ? valeur(a[k]) : null }));
  } else if (present(before) || present(after)) {
    out = [{ champ: 'valeur', avant: present(before) ? valeur(before) : null, apres: present(after) ? valeur(after) : null }];
  } else out = [];
  return out.slice(0, max);
}
