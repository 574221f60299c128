import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The programme's instruction: one application file (dossier) per structure, the préfet's opinion,
 * selection committees (COSELEC) and their decisions, envelopes of posts per département, amendments.
 * The structure itself (SIRET, name, address) belongs to src/structures; the file keeps a copy of what
 * its lists filter and sort on (name, commune, département, type) so that no query reads another
 * context's table.
 */
export const dossiers = pgTable(
  'programme_dossiers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    structureId: uuid('structure_id').notNull().unique(),
    /** Sequential file number, shown to everyone (« dossier n° 1234 »). */
    numero: serial('numero').notNull().unique(),
    statut: text('statut').notNull(),
    nom: text('nom').notNull(),
    type: text('type').notNull(),
    siret: text('siret').notNull(),
    communeInsee: text('commune_insee').notNull(),
    departement: text('departement').notNull(),
    region: text('region').notNull(),
    contactPrenom: text('contact_prenom').notNull(),
    contactNom: text('contact_nom').notNull(),
    contactFonction: text('contact_fonction').notNull(),
    contactEmail: text('contact_email').notNull(),
    contactTelephone: text('contact_telephone').notNull(),
    postesSouhaites: integer('postes_souhaites').notNull(),
    dateDebut: date('date_debut', { mode: 'string' }).notNull(),
    candidatIdentifie: boolean('candidat_identifie').notNull(),
    motivation: text('motivation').notNull(),
    labelFranceServices: boolean('label_france_services').notNull(),
    zrr: boolean('zrr').notNull(),
    qpv: boolean('qpv').notNull(),
    engagementLe: timestamp('engagement_le', { withTimezone: true }).notNull(),
    /** Posts in force: those of the latest positive decision (kept here, updated with it). */
    postesValides: integer('postes_valides').notNull().default(0),
    /** The préfet's current opinion (a new one replaces it; every opinion stays in the events). */
    avisPrefet: text('avis_prefet'),
    avisCommentaire: text('avis_commentaire'),
    avisLe: timestamp('avis_le', { withTimezone: true }),
    avisPar: text('avis_par'),
    prioritaire: boolean('prioritaire').notNull().default(false),
    /** DOUBLON: the original file this one was merged into. */
    doublonDe: uuid('doublon_de'),
    /** When the file last changed status: waiting times are counted from it. */
    statutLe: timestamp('statut_le', { withTimezone: true }).notNull().defaultNow(),
    demo: boolean('demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('programme_dossiers_dep_statut_idx').on(t.departement, t.statut, t.numero),
    index('programme_dossiers_statut_idx').on(t.statut, t.numero),
  ],
);

/** Every event of a file, in order: the timeline of the instruction file. Append-only. */
export const evenements = pgTable(
  'programme_evenements',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    dossierId: uuid('dossier_id').notNull(),
    type: text('type').notNull(),
    /** One French sentence: what happened. */
    resume: text('resume').notNull(),
    acteurId: uuid('acteur_id'),
    acteur: text('acteur').notNull(),
    donnees: jsonb('donnees'),
    le: timestamp('le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('programme_evenements_dossier_idx').on(t.dossierId, t.id)],
);

/** Selection committees, numbered in sequence. */
export const coselecs = pgTable('programme_coselec', {
  id: uuid('id').primaryKey().defaultRandom(),
  numero: serial('numero').notNull().unique(),
  date: date('date', { mode: 'string' }).notNull(),
  /** ouvert | cloture */
  statut: text('statut').notNull().default('ouvert'),
  clotureLe: timestamp('cloture_le', { withTimezone: true }),
  cloturePar: text('cloture_par'),
  /** ANCT's written reason to exceed an envelope when closing. */
  derogation: text('derogation'),
  demo: boolean('demo').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A committee's decision on one file (or one amendment); takes effect when the committee closes. */
export const decisions = pgTable(
  'programme_decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coselecId: uuid('coselec_id').notNull(),
    dossierId: uuid('dossier_id').notNull(),
    /** POSITIF | NEGATIF | EXAMEN_COMPLEMENTAIRE */
    avis: text('avis').notNull(),
    /** Posts granted (POSITIF), 0 otherwise. */
    postes: integer('postes').notNull().default(0),
    observation: text('observation'),
    prioritaire: boolean('prioritaire').notNull().default(false),
    decidePar: text('decide_par').notNull(),
    /** Set when the committee closes: the decision is in force from then on. */
    effectiveLe: timestamp('effective_le', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('programme_decisions_coselec_dossier_idx').on(t.coselecId, t.dossierId), index('programme_decisions_dossier_idx').on(t.dossierId)],
);

/**
 * The envelope in force per territory (a département code, or `FR` for the national envelope) and the
 * posts granted there. The row is also the lock that serialises every change of granted posts in a
 * territory: two committees closing at once cannot together exceed an envelope.
 */
export const territoiresPostes = pgTable('programme_territoires', {
  code: text('code').primaryKey(),
  enveloppe: integer('enveloppe').notNull().default(0),
  postesValides: integer('postes_valides').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The waves: each sets a territory's envelope (a total of posts) from a date. */
export const vagues = pgTable(
  'programme_vagues',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    postes: integer('postes').notNull(),
    libelle: text('libelle'),
    par: text('par').notNull(),
    /** Set by the demo seed (src/programme/demo.ts): a reset deletes these waves and restores the real envelope. */
    demo: boolean('demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('programme_vagues_code_idx').on(t.code, t.date)],
);

/** Amendments: add or return posts, or ask for a coordinator post. One in progress per file. */
export const avenants = pgTable(
  'programme_avenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dossierId: uuid('dossier_id').notNull(),
    /** ajout | retrait | coordinateur */
    type: text('type').notNull(),
    postesDemandes: integer('postes_demandes').notNull(),
    postesAvant: integer('postes_avant').notNull(),
    motif: text('motif').notNull(),
    /** coordinator requests: plein | partiel */
    tempsCoordinateur: text('temps_coordinateur'),
    /** en_cours | validee | refusee */
    statut: text('statut').notNull().default('en_cours'),
    avisPrefet: text('avis_prefet'),
    avisCommentaire: text('avis_commentaire'),
    avisLe: timestamp('avis_le', { withTimezone: true }),
    postesAccordes: integer('postes_accordes'),
    refus: text('refus'),
    decideLe: timestamp('decide_le', { withTimezone: true }),
    decidePar: text('decide_par'),
    demandePar: text('demande_par').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('programme_avenants_dossier_idx').on(t.dossierId),
    uniqueIndex('programme_avenants_un_en_cours_idx').on(t.dossierId).where(sql`statut = 'en_cours'`),
  ],
);
