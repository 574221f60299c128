import { sql } from 'drizzle-orm';
import { boolean, date, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Recruitment: candidates, the pairs (mises en relation) between candidates and validated structures,
 * contracts, and coordinators' teams. The structures that recruit are a projection kept here
 * (`recrutement_structures`, from src/programme's posts in force): matching reads it, and its row is
 * the lock that keeps a structure within its quota when two managers recruit at the same instant.
 */
export const candidats = pgTable(
  'recrutement_candidats',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().unique(),
    prenom: text('prenom').notNull(),
    nom: text('nom').notNull(),
    email: text('email').notNull().unique(),
    telephone: text('telephone').notNull(),
    communeInsee: text('commune_insee').notNull(),
    departement: text('departement').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    /** demandeur_emploi | en_emploi | en_formation | diplome | experience (at least one). */
    situations: jsonb('situations').$type<string[]>().notNull(),
    diplome: text('diplome'),
    dateDisponibilite: date('date_disponibilite', { mode: 'string' }).notNull(),
    distanceMaxKm: integer('distance_max_km').notNull(),
    motivation: text('motivation').notNull(),
    pixPalier: integer('pix_palier'),
    /** The CV (src/platform/uploads), deleted 6 months after upload or on request. */
    cvFichierId: uuid('cv_fichier_id'),
    cvDeposeLe: timestamp('cv_depose_le', { withTimezone: true }),
    /** disponible | en_pause | retire | recrute */
    statut: text('statut').notNull().default('disponible'),
    demo: boolean('demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recrutement_candidats_updated_idx').on(t.updatedAt)],
);

/** Validated structures with their posts in force, where they are and when they want to start. */
export const structuresRecrutement = pgTable(
  'recrutement_structures',
  {
    structureId: uuid('structure_id').primaryKey(),
    nom: text('nom').notNull(),
    communeInsee: text('commune_insee').notNull(),
    departement: text('departement').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    postes: integer('postes').notNull(),
    /** Pairs holding a post (recrutee, finalisee, rupture declared, renewal): the quota counts them. */
    occupes: integer('occupes').notNull().default(0),
    dateDebut: date('date_debut', { mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recrutement_structures_updated_idx').on(t.updatedAt)],
);

/** A candidate–structure pair and where it stands (domain §10). */
export const misesEnRelation = pgTable(
  'recrutement_mises_en_relation',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidatId: uuid('candidat_id').notNull(),
    structureId: uuid('structure_id').notNull(),
    /** nouvelle | interessee | nonInteressee | recrutee | finalisee | nouvelle_rupture | finalisee_rupture | renouvellement_initiee | terminee | terminee_naturelle | non_disponible */
    statut: text('statut').notNull().default('nouvelle'),
    distanceM: integer('distance_m').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('recrutement_mer_paire_idx').on(t.candidatId, t.structureId),
    index('recrutement_mer_structure_idx').on(t.structureId, t.statut, t.distanceM),
    // The structure's page: its pairs by distance, read in order with a limit.
    index('recrutement_mer_structure_distance_idx').on(t.structureId, t.distanceM),
  ],
);

/** Employment contracts: one history per conseiller across structures. */
export const contrats = pgTable(
  'recrutement_contrats',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    miseEnRelationId: uuid('mise_en_relation_id').notNull(),
    candidatId: uuid('candidat_id').notNull(),
    userId: uuid('user_id').notNull(),
    structureId: uuid('structure_id').notNull(),
    /** CDI | CDD | PEC | contrat_projet */
    type: text('type').notNull(),
    dateDebut: date('date_debut', { mode: 'string' }).notNull(),
    dateFin: date('date_fin', { mode: 'string' }),
    salaireCentimes: integer('salaire_centimes').notNull(),
    coordinateur: boolean('coordinateur').notNull().default(false),
    /** saisi (entered, awaiting ANCT) | valide | rompu | termine | annule */
    statut: text('statut').notNull().default('saisi'),
    /** A renewal: the contract it follows (ended when this one is validated). */
    renouvelle: uuid('renouvelle'),
    ruptureDate: date('rupture_date', { mode: 'string' }),
    ruptureMotif: text('rupture_motif'),
    /** complet | en_attente */
    ruptureDocuments: text('rupture_documents'),
    /** The rupture is declared (nouvelle_rupture) and waits for ANCT. */
    ruptureDeclareeLe: timestamp('rupture_declaree_le', { withTimezone: true }),
    valideLe: timestamp('valide_le', { withTimezone: true }),
    validePar: text('valide_par'),
    demo: boolean('demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('recrutement_contrats_user_idx').on(t.userId, t.dateDebut),
    index('recrutement_contrats_structure_idx').on(t.structureId, t.statut),
    uniqueIndex('recrutement_contrats_un_saisi_idx').on(t.miseEnRelationId).where(sql`statut = 'saisi'`),
  ],
);

/** A coordinator's team: named conseillers and/or territories, each membership dated. */
export const equipeMembres = pgTable(
  'recrutement_equipe_membres',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coordinateurId: uuid('coordinateur_id').notNull(),
    /** A named conseiller (user id)… */
    conseillerId: uuid('conseiller_id'),
    /** …or every conseiller of a département. */
    departement: text('departement'),
    debut: date('debut', { mode: 'string' }).notNull(),
    fin: date('fin', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recrutement_equipe_coord_idx').on(t.coordinateurId), index('recrutement_equipe_conseiller_idx').on(t.conseillerId)],
);
