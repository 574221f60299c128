/** The activities API in the OpenAPI document (src/platform/openapi.ts). */
import { addApiPaths, type ApiOperation, type ApiParameter } from '../platform/openapi.js';
import {
  AUTONOMIE,
  GENRES,
  LIEU_TYPES,
  MATERIEL,
  NIVEAUX_ATELIER,
  ORIENTATIONS,
  STATUTS,
  THEMATIQUES,
  THEMATIQUES_DEMARCHES,
  TRANCHES_AGE,
  TYPES,
} from './codes.js';
import { LIMITS } from './validation.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const counts = (codes: readonly string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(codes.map((c) => [c, { type: 'integer', minimum: 0 }])),
});
const security = [{ jeton: [] }];

const activite = {
  type: 'object',
  required: ['id', 'type', 'date', 'duree_minutes', 'lieu', 'thematiques'],
  properties: {
    id: { type: 'string', format: 'uuid', description: "Généré par le client, UUID aléatoire (version 4) ou horodaté (version 7) : renvoyer la même activité avec le même id ne crée pas de doublon." },
    type: { type: 'string', enum: TYPES.values },
    date: { type: 'string', format: 'date', description: 'Date calendaire (Europe/Paris), ni dans le futur, ni avant la prise de fonction (début du premier contrat), ni après la fin du dernier contrat quand aucun n’est en cours.' },
    duree_minutes: { type: 'integer', minimum: LIMITS.dureeMin, maximum: LIMITS.dureeMax },
    lieu: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: LIEU_TYPES.values },
        lieu_id: { type: ['string', 'null'], format: 'uuid', description: "Pour lieu_activite : un des lieux d'activité du conseiller." },
        commune_insee: { type: ['string', 'null'], description: "Code INSEE de la commune, obligatoire hors lieu_activite et a_distance (à distance sans commune : celle de la structure du conseiller)." },
        commune: { type: 'string', maxLength: LIMITS.commune, writeOnly: true, description: "À la place de commune_insee : le nom de la commune ou son code postal, résolu par le serveur quand il désigne une seule commune (400 sur lieu.commune sinon, avec les communes possibles)." },
      },
    },
    thematiques: { type: 'array', minItems: 1, items: { type: 'string', enum: THEMATIQUES.values } },
    thematiques_demarches: { type: 'array', items: { type: 'string', enum: THEMATIQUES_DEMARCHES.values }, description: 'Seulement avec aide_aux_demarches_administratives.' },
    nom_demarche: { type: ['string', 'null'], maxLength: LIMITS.nomDemarche, description: 'Seulement avec aide_aux_demarches_administratives.' },
    materiel: { type: 'array', items: { type: 'string', enum: MATERIEL.values } },
    autonomie: { type: ['string', 'null'], enum: [...AUTONOMIE.values, null], description: 'Accompagnement individuel seulement.' },
    orientation: { type: ['string', 'null'], enum: [...ORIENTATIONS.values, null] },
    beneficiaire_id: { type: ['string', 'null'], format: 'uuid', description: 'Un bénéficiaire suivi du conseiller (pas pour un atelier collectif).' },
    notes: { type: ['string', 'null'], maxLength: LIMITS.notes },
    titre_atelier: { type: ['string', 'null'], maxLength: LIMITS.titreAtelier, description: 'Atelier collectif : obligatoire.' },
    niveau_atelier: { type: ['string', 'null'], enum: [...NIVEAUX_ATELIER.values, null] },
    participants: {
      type: ['object', 'null'],
      description: "Atelier collectif : effectifs anonymes. Chaque répartition ne dépasse pas le total ; le reste compte comme non_communique.",
      required: ['total'],
      properties: {
        total: { type: 'integer', minimum: 1, maximum: LIMITS.participantsMax },
        deja_accompagnes: { type: 'integer', minimum: 0 },
        genres: counts(GENRES.values),
        tranches_age: counts(TRANCHES_AGE.values),
        statuts: counts(STATUTS.values),
      },
    },
    personne: {
      type: ['object', 'null'],
      description: "Accompagnement individuel ou aide ponctuelle : ce que l'on sait de la personne (chaque champ facultatif, non_communique vaut rien), compté comme les effectifs d'un atelier. Pas pour un atelier collectif.",
      properties: {
        genre: { type: ['string', 'null'], enum: [...GENRES.values, null] },
        tranche_age: { type: ['string', 'null'], enum: [...TRANCHES_AGE.values, null] },
        statut: { type: ['string', 'null'], enum: [...STATUTS.values, null] },
      },
    },
    created_at: { type: 'string', format: 'date-time', readOnly: true },
    updated_at: { type: 'string', format: 'date-time', readOnly: true },
  },
};

const idParam: ApiParameter = { name: 'id', in: 'path', required: true, description: "Identifiant (UUID) de l'activité", schema: { type: 'string', format: 'uuid' } };
const filters: ApiParameter[] = [
  { name: 'du', in: 'query', description: 'Début de période (AAAA-MM-JJ, inclus)', schema: { type: 'string', format: 'date' } },
  { name: 'au', in: 'query', description: 'Fin de période (AAAA-MM-JJ, incluse)', schema: { type: 'string', format: 'date' } },
  { name: 'type', in: 'query', description: "Type d'activité", schema: { type: 'string', enum: TYPES.values } },
  { name: 'thematique', in: 'query', description: 'Une thématique', schema: { type: 'string', enum: THEMATIQUES.values } },
  { name: 'lieu', in: 'query', description: 'Type de lieu, ou lieu_activite:UUID', schema: { type: 'string' } },
  { name: 'beneficiaire', in: 'query', description: 'Identifiant du bénéficiaire suivi', schema: { type: 'string', format: 'uuid' } },
  { name: 'limite', in: 'query', description: 'Taille de page (1 à 1000, 100 par défaut)', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
  { name: 'curseur', in: 'query', description: 'Valeur curseur_suivant de la page précédente', schema: { type: 'string' } },
];

const tags = ['Activités'];
const common = { 401: problem('Jeton absent ou invalide'), 403: problem('Rôle sans droit de saisie') };

const create: ApiOperation = {
  summary: 'Enregistrer une activité (idempotent par id)',
  description:
    "Crée l'activité sous l'id fourni par le client. Le même id renvoyé avec le même contenu répond 200 avec l'activité enregistrée (aucun doublon) ; avec un autre contenu, 409. Corps limité à 1 Mo (413 au-delà).",
  operationId: 'creerActivite',
  tags,
  security,
  responses: {
    201: { description: 'Activité créée', content: json(ref('Activite')) },
    200: { description: 'Activité déjà enregistrée avec cet id (rejeu)', content: json(ref('Activite')) },
    400: problem('Activité invalide : un message en français par champ (invalid_params)'),
    409: problem('Id déjà utilisé pour un autre contenu, ou activité supprimée'),
    413: problem('Corps trop volumineux'),
    ...common,
  },
};

export function registerActivitesOpenApi(): void {
  addApiPaths(
    {
      '/api/v1/activites': {
        post: create,
        get: {
          summary: 'Mes activités (filtres, pagination par curseur)',
          operationId: 'listerActivites',
          tags,
          security,
          parameters: filters,
          responses: {
            200: { description: 'Une page, de la plus récente à la plus ancienne', content: json({ type: 'object', properties: { activites: { type: 'array', items: ref('Activite') }, curseur_suivant: { type: ['string', 'null'] } } }) },
            400: problem('Filtre invalide'),
            ...common,
          },
        },
      },
      '/api/v1/activites/{id}': {
        get: { summary: 'Une de mes activités', operationId: 'lireActivite', tags, security, parameters: [idParam], responses: { 200: { description: 'Activité', content: json(ref('Activite')) }, 404: problem("Introuvable (ou celle d'un autre conseiller)"), ...common } },
        patch: {
          summary: 'Modifier une de mes activités',
          description: "Les champs envoyés remplacent ceux de l'activité ; l'ensemble est de nouveau vérifié.",
          operationId: 'modifierActivite',
          tags,
          security,
          parameters: [idParam],
          responses: { 200: { description: 'Activité modifiée', content: json(ref('Activite')) }, 400: problem('Activité invalide'), 404: problem('Introuvable'), ...common },
        },
        delete: { summary: 'Supprimer une de mes activités', operationId: 'supprimerActivite', tags, security, parameters: [idParam], responses: { 204: { description: 'Supprimée' }, 404: problem('Introuvable'), ...common } },
      },
      '/api/v1/beneficiaires': {
        get: {
          summary: 'Mes bénéficiaires suivis',
          description: 'Privés à leur conseiller : un coordinateur ou une structure ne voit jamais ceux des autres.',
          operationId: 'listerBeneficiaires',
          tags,
          security,
          responses: { 200: { description: 'Bénéficiaires suivis du conseiller' }, ...common },
        },
      },
    },
    { Activite: activite },
    { Activités: "Comptes rendus d'activité (CRA) des conseillers numériques : codes d'échange du domaine (types, thématiques, démarches…)." },
  );
}
