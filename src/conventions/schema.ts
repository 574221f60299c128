import { bigint, boolean, date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Segment } from './regles.js';

/**
 * Agreements and grants (Banque des Territoires): funding regimes, the agreements opened by positive
 * committee decisions, their posts one by one, their documents (generated PDF, signatures,
 * countersigned uploads) and payments. The structure's name and territory are copied from the
 * programme's file when the agreement opens, so that the national table reads no other context's
 * table. The computed figures (justified, to repay) and each post's state are kept up to date by
 * src/conventions/conventions.ts from the contracts (src/recrutement) whenever they change, and every
 * day.
 */
export const regimes = pgTable('conventions_regimes', {
  id: uuid('id').primaryKey().defaultRandom(),
  nom: text('nom').notNull(),
  /** The period of entry into the programme the regime applies to; open while `entree_au` is null. */
  entreeDu: date('entree_du', { mode: 'string' }).notNull(),
  entreeAu: date('entree_au', { mode: 'string' }),
  montantPosteCentimes: integer('montant_poste_centimes').notNull(),
  moisFinances: integer('mois_finances').notNull(),
  bonificationCentimes: integer('bonification_centimes').notNull().default(0),
  /** conventionnement | reconventionnement */
  nature: text('nature').notNull(),
  par: text('par').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const conventions = pgTable(
  'conventions_conventions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Sequential number shown to everyone (« convention n° 12 »). */
    numero: serial('numero').notNull().unique(),
    structureId: uuid('structure_id').notNull(),
    nom: text('nom').notNull(),
    siret: text('siret').notNull(),
    departement: text('departement').notNull(),
    region: text('region').notNull(),
    regimeId: uuid('regime_id').notNull(),
    /** The committee decision that opened it (a first agreement). */
    decisionId: uuid('decision_id'),
    coselecNumero: integer('coselec_numero'),
    /** A renewal: the agreement it follows. */
    precedenteId: uuid('precedente_id'),
    /** A renewal: the contracts the structure chose to carry over. */
    contratsReconduits: jsonb('contrats_reconduits').$type<string[]>().notNull().default([]),
    statut: text('statut').notNull(),
    etat: text('etat').notNull().default('en_construction'),
    prioritaire: boolean('prioritaire').notNull(),
    dateDebut: date('date_debut', { mode: 'string' }).notNull(),
    dateFin: date('date_fin', { mode: 'string' }).notNull(),
    /** Posts covered now (not returned). */
    postes: integer('postes').notNull(),
    montantCentimes: bigint('montant_centimes', { mode: 'number' }).notNull(),
    verseCentimes: bigint('verse_centimes', { mode: 'number' }).notNull().default(0),
    justifieCentimes: bigint('justifie_centimes', { mode: 'number' }).notNull().default(0),
    aReverserCentimes: bigint('a_reverser_centimes', { mode: 'number' }).notNull().default(0),
    /** Alerts at the last computation (types), for the national table's filter. */
    alertes: jsonb('alertes').$type<string[]>().notNull().default([]),
    /** The day the figures were computed for. */
    calculeAu: date('calcule_au', { mode: 'string' }),
    motif: text('motif'),
    valideLe: timestamp('valide_le', { withTimezone: true }),
    validePar: text('valide_par'),
    /** The structure declared it does not want a renewal. */
    nonInteresseLe: timestamp('non_interesse_le', { withTimezone: true }),
    demo: boolean('demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('conventions_structure_idx').on(t.structureId, t.dateDebut),
    index('conventions_dep_idx').on(t.departement, t.nom),
    uniqueIndex('conventions_decision_idx').on(t.decisionId),
    uniqueIndex('conventions_precedente_idx').on(t.precedenteId),
  ],
);

/** Every granted post of an agreement: its number, its grant and return dates, its state computed from the contracts. */
export const postes = pgTable(
  'conventions_postes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conventionId: uuid('convention_id').notNull(),
    structureId: uuid('structure_id').notNull(),
    numero: integer('numero').notNull(),
    regimeId: uuid('regime_id').notNull(),
    debut: date('debut', { mode: 'string' }).notNull(),
    renduLe: date('rendu_le', { mode: 'string' }),
    /** vacant | occupe | rendu — computed, never typed. */
    etat: text('etat').notNull().default('vacant'),
    depuis: date('depuis', { mode: 'string' }).notNull(),
    titulaire: text('titulaire'),
    historique: jsonb('historique').$type<Segment[]>().notNull().default([]),
    justifieCentimes: bigint('justifie_centimes', { mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('conventions_postes_numero_idx').on(t.conventionId, t.numero), index('conventions_postes_structure_idx').on(t.structureId)],
);

/** The agreement's documents: each generated version (agreement, addendum), each countersigned upload, and its signature. */
export const documents = pgTable(
  'conventions_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conventionId: uuid('convention_id').notNull(),
    version: integer('version').notNull(),
    /** convention | avenant | contresigne */
    nature: text('nature').notNull(),
    fichierId: uuid('fichier_id').notNull(),
    /** SHA-256 of the exact PDF bytes. */
    sha256: text('sha256').notNull(),
    montantCentimes: bigint('montant_centimes', { mode: 'number' }).notNull(),
    postes: integer('postes').notNull(),
    /** The dates the version was generated for. */
    dateDebut: date('date_debut', { mode: 'string' }).notNull(),
    dateFin: date('date_fin', { mode: 'string' }).notNull(),
    signeNom: text('signe_nom'),
    signeFonction: text('signe_fonction'),
    signeLe: timestamp('signe_le', { withTimezone: true }),
    signePar: uuid('signe_par'),
    par: text('par').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('conventions_documents_version_idx').on(t.conventionId, t.version)],
);

export const versements = pgTable(
  'conventions_versements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conventionId: uuid('convention_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    montantCentimes: bigint('montant_centimes', { mode: 'number' }).notNull(),
    reference: text('reference').notNull(),
    par: text('par').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('conventions_versements_convention_idx').on(t.conventionId, t.date), uniqueIndex('conventions_versements_reference_idx').on(t.conventionId, t.reference)],
);

/** Every event of an agreement, in order (amount changes carry before/after). Append-only. */
export const evenements = pgTable(
  'conventions_evenements',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conventionId: uuid('convention_id').notNull(),
    resume: text('resume').notNull(),
    acteur: text('acteur').notNull(),
    donnees: jsonb('donnees'),
    le: timestamp('le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('conventions_evenements_convention_idx').on(t.conventionId, t.id)],
);
