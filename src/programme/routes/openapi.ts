/** The programme's API in the OpenAPI document (src/platform/openapi.ts): the real shape of each answer. */
import { addApiPaths, type ApiOperation } from '../../platform/openapi.js';
import { STRUCTURE_TYPES } from '../../structures/structures.js';
import { LIMITES, STATUTS } from '../regles.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const security = [{ jeton: [] }];
const body = (schema: Record<string, unknown>, description?: string) => ({ required: true, ...(description ? { description } : {}), content: json(schema) });
const idParam = (description: string) => ({ name: 'id', in: 'path' as const, required: true, description, schema: { type: 'string', format: 'uuid' } });
const avis = { type: 'object', required: ['avis', 'commentaire'], properties: { avis: { type: 'string', enum: ['favorable', 'defavorable'] }, commentaire: { type: 'string', minLength: LIMITES.commentaireMin, maxLength: LIMITES.commentaire } } };
const avisLu = { type: ['object', 'null'], properties: { avis: { type: 'string', enum: ['favorable', 'defavorable'] }, commentaire: { type: 'string' }, date: { type: ['string', 'null'], format: 'date-time' }, par: { type: 'string' } } };
const errors = { '400': problem('Champ invalide (invalid_params le nomme)'), '401': problem('Jeton manquant ou invalide'), '403': problem('Droits insuffisants'), '404': problem('Introuvable ou hors de vos droits') };

const schemas = {
  CandidatureStructure: {
    type: 'object',
    required: ['siret', 'type', 'nom', 'adresse', 'commune_insee', 'contact', 'postes_souhaites', 'date_debut', 'motivation', 'engagement'],
    properties: {
      siret: { type: 'string', description: 'SIRET à 14 chiffres (clé de Luhn ; règle de La Poste pour 356000000…), ou RIDET à 7 chiffres outre-mer.' },
      type: { type: 'string', enum: Object.keys(STRUCTURE_TYPES) },
      nom: { type: 'string', maxLength: LIMITES.nom },
      adresse: { type: 'string', maxLength: LIMITES.adresse },
      commune_insee: { type: 'string', description: 'Code INSEE de la commune.' },
      code_postal: { type: 'string', description: 'Facultatif : le premier code postal de la commune sinon.' },
      contact: {
        type: 'object',
        required: ['prenom', 'nom', 'fonction', 'email', 'telephone'],
        properties: {
          prenom: { type: 'string', maxLength: LIMITES.prenom },
          nom: { type: 'string', maxLength: LIMITES.nomContact },
          fonction: { type: 'string', maxLength: LIMITES.fonction },
          email: { type: 'string', format: 'email', maxLength: LIMITES.email },
          telephone: { type: 'string', description: '10 chiffres, ou + et 11 à 12 chiffres.' },
        },
      },
      postes_souhaites: { type: 'integer', minimum: 1, maximum: LIMITES.postesMax },
      date_debut: { type: 'string', format: 'date', description: "Aujourd'hui ou plus tard (Europe/Paris)." },
      candidat_identifie: { type: 'boolean' },
      motivation: { type: 'string', maxLength: LIMITES.motivation },
      label_france_services: { type: 'boolean' },
      zrr: { type: 'boolean' },
      qpv: { type: 'boolean' },
      engagement: { type: 'boolean', const: true },
    },
  },
  Avenant: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      type: { type: 'string', enum: ['ajout', 'retrait', 'coordinateur'] },
      postes: { type: 'integer' },
      postes_avant: { type: 'integer' },
      motif: { type: 'string' },
      temps_coordinateur: { type: ['string', 'null'], enum: ['plein', 'partiel', null] },
      statut: { type: 'string', enum: ['en_cours', 'validee', 'refusee'] },
      avis_prefet: avisLu,
      postes_accordes: { type: ['integer', 'null'] },
      refus: { type: ['string', 'null'] },
      decide_le: { type: ['string', 'null'], format: 'date-time' },
      cree_le: { type: 'string', format: 'date-time' },
    },
  },
  DossierStructure: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid', description: 'Identifiant de la structure.' },
      dossier_id: { type: 'string', format: 'uuid' },
      numero: { type: 'integer' },
      statut: { type: 'string', enum: Object.keys(STATUTS) },
      statut_libelle: { type: 'string' },
      nom: { type: 'string' },
      siret: { type: 'string' },
      type: { type: 'string' },
      commune_insee: { type: 'string' },
      departement: { type: 'string' },
      postes_souhaites: { type: 'integer' },
      postes_valides: { type: 'integer', description: 'Postes en vigueur : ceux de la dernière décision positive (et des avenants).' },
      date_debut: { type: 'string', format: 'date' },
      prioritaire: { type: 'boolean' },
      avis_prefet: avisLu,
      historique: { type: 'array', items: { type: 'object', properties: { date: { type: 'string', format: 'date-time' }, type: { type: 'string' }, resume: { type: 'string' }, acteur: { type: 'string' } } } },
      avenants: { type: 'array', items: ref('Avenant') },
      depose_le: { type: 'string', format: 'date-time' },
    },
  },
  PostesTerritoire: {
    type: 'object',
    properties: {
      code: { type: 'string' },
      libelle: { type: 'string' },
      enveloppe: { type: 'integer' },
      postes_valides: { type: 'integer' },
      postes_occupes: { type: 'integer' },
      postes_vacants: { type: 'integer' },
      dossiers_en_attente: { type: 'integer' },
    },
  },
};

const op = (o: Omit<ApiOperation, 'tags'>): ApiOperation => ({ tags: ['Programme'], security, ...o });

export function registerProgrammeOpenApi(): void {
  addApiPaths(
    {
      '/api/v1/candidatures-structures': {
        post: {
          tags: ['Programme'],
          operationId: 'deposerCandidatureStructure',
          summary: "Déposer la candidature d'une structure d'accueil (public, limité par adresse IP)",
          description: 'Crée la structure, son dossier (statut CREEE, numéro séquentiel) et le compte du contact (invité). Un seul dossier par SIRET.',
          requestBody: body(ref('CandidatureStructure')),
          responses: {
            '201': { description: 'Dossier créé', content: json({ type: 'object', required: ['id', 'numero', 'statut'], properties: { id: { type: 'string', format: 'uuid' }, numero: { type: 'integer' }, statut: { type: 'string', const: 'CREEE' } } }) },
            '400': problem('Champ invalide'),
            '409': problem('Un dossier existe déjà pour ce SIRET'),
            '429': problem('Trop de candidatures depuis cette adresse'),
          },
        },
      },
      '/api/v1/structures/{id}': {
        get: op({ operationId: 'lireDossierStructure', summary: "Le dossier d'une structure : statut, postes validés, avis du préfet, historique", parameters: [idParam('Identifiant de la structure')], responses: { '200': { description: 'Le dossier', content: json(ref('DossierStructure')) }, ...errors } }),
      },
      '/api/v1/structures/{id}/avis-prefet': {
        post: op({
          operationId: 'donnerAvisPrefet',
          summary: "Donner (ou remplacer) l'avis du préfet — préfecture du département",
          parameters: [idParam('Identifiant de la structure')],
          requestBody: body(avis),
          responses: { '200': { description: 'Le dossier', content: json(ref('DossierStructure')) }, ...errors, '409': problem("Le dossier n'est plus en attente d'avis") },
        }),
      },
      '/api/v1/structures/{id}/avenants': {
        post: op({
          operationId: 'demanderAvenant',
          summary: 'Demander un avenant (structure)',
          parameters: [idParam('Identifiant de la structure')],
          requestBody: body({ type: 'object', required: ['type', 'postes', 'motif'], properties: { type: { type: 'string', enum: ['ajout', 'retrait', 'coordinateur'] }, postes: { type: 'integer', minimum: 1 }, motif: { type: 'string', maxLength: LIMITES.motif }, temps_coordinateur: { type: 'string', enum: ['plein', 'partiel'] } } }),
          responses: { '201': { description: 'Demande créée', content: json(ref('Avenant')) }, ...errors, '409': problem('Une demande est déjà en cours, ou le dossier n’est pas validé') },
        }),
      },
      '/api/v1/avenants/{id}/avis-prefet': {
        post: op({ operationId: 'avisPrefetAvenant', summary: "Avis du préfet sur une demande d'avenant", parameters: [idParam("Identifiant de l'avenant")], requestBody: body(avis), responses: { '200': { description: "L'avenant", content: json(ref('Avenant')) }, ...errors, '409': problem('Demande déjà décidée') } }),
      },
      '/api/v1/avenants/{id}/decision': {
        post: op({
          operationId: 'deciderAvenant',
          summary: "Décision de l'ANCT sur une demande d'avenant",
          parameters: [idParam("Identifiant de l'avenant")],
          requestBody: body({ type: 'object', properties: { postes_accordes: { type: 'integer', minimum: 1 }, refus: { type: 'string', maxLength: LIMITES.motif }, derogation: { type: 'string', maxLength: LIMITES.derogation } }, description: 'Soit postes_accordes, soit refus.' }),
          responses: {
            '200': { description: "L'avenant décidé", content: json({ allOf: [ref('Avenant'), { type: 'object', properties: { postes_valides: { type: 'integer' }, statut_dossier: { type: 'string', enum: Object.keys(STATUTS) } } }] }) },
            ...errors,
            '409': problem('Demande déjà décidée, sans avis du préfet, ou enveloppe dépassée (depassements)'),
          },
        }),
      },
      '/api/v1/coselec': {
        post: op({
          operationId: 'creerCoselec',
          summary: 'Créer un comité de sélection (ANCT)',
          requestBody: body({ type: 'object', required: ['date'], properties: { date: { type: 'string', format: 'date' } } }),
          responses: { '201': { description: 'Comité créé', content: json({ type: 'object', required: ['id', 'numero'], properties: { id: { type: 'string', format: 'uuid' }, numero: { type: 'integer' }, date: { type: 'string', format: 'date' }, statut: { type: 'string', enum: ['ouvert', 'cloture'] } } }) }, ...errors },
        }),
      },
      '/api/v1/coselec/{id}': {
        get: op({
          operationId: 'lireCoselec',
          summary: 'Un comité de sélection et ses décisions (ANCT)',
          parameters: [idParam('Identifiant du comité')],
          responses: {
            '200': {
              description: 'Le comité',
              content: json({
                type: 'object',
                properties: {
                  id: { type: 'string', format: 'uuid' },
                  numero: { type: 'integer' },
                  date: { type: 'string', format: 'date' },
                  statut: { type: 'string', enum: ['ouvert', 'cloture'] },
                  derogation: { type: ['string', 'null'] },
                  cloture_le: { type: ['string', 'null'], format: 'date-time' },
                  decisions: { type: 'array', items: { type: 'object', properties: { structure_id: { type: 'string', format: 'uuid' }, numero: { type: 'integer' }, nom: { type: 'string' }, avis: { type: 'string', enum: ['POSITIF', 'NEGATIF', 'EXAMEN_COMPLEMENTAIRE'] }, postes: { type: 'integer' }, observation: { type: ['string', 'null'] } } } },
                },
              }),
            },
            ...errors,
          },
        }),
      },
      '/api/v1/coselec/{id}/decisions': {
        post: op({
          operationId: 'deciderCoselec',
          summary: "Enregistrer (ou remplacer) la décision du comité sur un dossier ; elle prend effet à la clôture",
          parameters: [idParam('Identifiant du comité')],
          requestBody: body({ type: 'object', required: ['structure_id', 'avis'], properties: { structure_id: { type: 'string', format: 'uuid' }, avis: { type: 'string', enum: ['POSITIF', 'NEGATIF', 'EXAMEN_COMPLEMENTAIRE'] }, postes: { type: 'integer', minimum: 0 }, observation: { type: 'string', maxLength: LIMITES.observation }, prioritaire: { type: 'boolean' } } }),
          responses: {
            '201': { description: 'Décision enregistrée', content: json({ type: 'object', properties: { id: { type: 'string', format: 'uuid' }, coselec_id: { type: 'string', format: 'uuid' }, structure_id: { type: 'string', format: 'uuid' }, avis: { type: 'string' }, postes: { type: 'integer' }, observation: { type: ['string', 'null'] }, en_vigueur: { type: 'boolean' } } }) },
            ...errors,
            '409': problem('Comité clos, ou dossier sans avis du préfet / déjà décidé'),
          },
        }),
      },
      '/api/v1/coselec/{id}/cloture': {
        post: op({
          operationId: 'cloturerCoselec',
          summary: 'Clore le comité : toutes ses décisions prennent effet ensemble, ou aucune',
          parameters: [idParam('Identifiant du comité')],
          requestBody: { required: false, content: json({ type: 'object', properties: { derogation: { type: 'string', maxLength: LIMITES.derogation, description: "Raison écrite pour dépasser une enveloppe (tracée dans le journal)." } } }) },
          responses: {
            '200': { description: 'Comité clos', content: json({ type: 'object', properties: { id: { type: 'string', format: 'uuid' }, numero: { type: 'integer' }, statut: { type: 'string', const: 'cloture' }, decisions: { type: 'integer' }, derogation: { type: ['string', 'null'] }, cloture_le: { type: 'string', format: 'date-time' } } }) },
            ...errors,
            '409': problem('Comité déjà clos ou vide, dossier plus en instruction, ou enveloppe dépassée (depassements : territoire, enveloppe, postes_avant, postes_apres, dossiers)'),
          },
        }),
      },
      '/api/v1/departements/{code}/postes': {
        get: op({ operationId: 'postesDepartement', summary: "Enveloppe et postes d'un département (FR : national)", parameters: [{ name: 'code', in: 'path', required: true, description: 'Code du département (57, 2A, 971) ou FR', schema: { type: 'string' } }], responses: { '200': { description: 'Les postes', content: json(ref('PostesTerritoire')) }, ...errors } }),
      },
      '/api/v1/departements/{code}/enveloppe': {
        put: op({
          operationId: 'definirEnveloppe',
          summary: "Fixer l'enveloppe d'un département (une nouvelle vague) — ANCT",
          parameters: [{ name: 'code', in: 'path', required: true, description: 'Code du département ou FR', schema: { type: 'string' } }],
          requestBody: body({ type: 'object', required: ['postes'], properties: { postes: { type: 'integer', minimum: 0 }, date: { type: 'string', format: 'date' }, libelle: { type: 'string', maxLength: 200 } } }),
          responses: { '200': { description: 'Les postes', content: json(ref('PostesTerritoire')) }, ...errors, '409': problem("Enveloppe inférieure aux postes déjà accordés") },
        }),
      },
    },
    schemas,
    { Programme: "Candidatures des structures, avis des préfets, comités de sélection, enveloppes et avenants." },
  );
}
