import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Followed beneficiaries: private to their conseiller. Anonymised rows keep their id (activities
 * still point to them, so "first accompaniment" and counts never drift) but lose every personal field.
 */
export const beneficiaires = pgTable(
  'beneficiaires',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conseillerId: uuid('conseiller_id').notNull(),
    structureId: uuid('structure_id'),
    prenom: text('prenom'),
    nom: text('nom'),
    anneeNaissance: smallint('annee_naissance'),
    communeInsee: text('commune_insee'),
    telephone: text('telephone'),
    email: text('email'),
    notes: text('notes'),
    /** Normalised "first last" (accents, case, punctuation and word order removed): duplicate detection. */
    cleNom: text('cle_nom'),
    consentementAt: timestamp('consentement_at', { withTimezone: true }),
    /** Merged into another beneficiary (history kept: this row stays, hidden from lists). */
    fusionneDans: uuid('fusionne_dans'),
    anonymiseAt: timestamp('anonymise_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('beneficiaires_conseiller_nom_idx').on(t.conseillerId, t.cleNom),
    index('beneficiaires_conseiller_telephone_idx').on(t.conseillerId, t.telephone),
    index('beneficiaires_conseiller_email_idx').on(t.conseillerId, t.email),
  ],
);

/**
 * Activity reports (CRA). Sized for ~10 million rows: the primary key is the client's UUID
 * (idempotent replays), lists and exports walk (conseiller_id, date, id) by keyset, and statistics
 * aggregate by structure / département / date without joins thanks to the denormalised columns.
 * Soft-deleted rows (deleted_at) stay as tombstones so that an offline replay of a deleted
 * activity cannot bring it back; every index skips them.
 */
export const activites = pgTable(
  'activites',
  {
    id: uuid('id').primaryKey(),
    conseillerId: uuid('conseiller_id').notNull(),
    /** The conseiller's structure and its département when the activity was recorded. */
    structureId: uuid('structure_id'),
    departement: text('departement'),
    type: text('type').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    dureeMinutes: smallint('duree_minutes').notNull(),
    /** moins_30, 30_60, 60_120, plus_120 (statistics buckets). */
    trancheDuree: text('tranche_duree').notNull(),
    lieuType: text('lieu_type').notNull(),
    lieuId: uuid('lieu_id'),
    communeInsee: text('commune_insee'),
    thematiques: text('thematiques').array().notNull(),
    thematiquesDemarches: text('thematiques_demarches').array().notNull().default(sql`'{}'::text[]`),
    nomDemarche: text('nom_demarche'),
    materiel: text('materiel').array().notNull().default(sql`'{}'::text[]`),
    autonomie: text('autonomie'),
    orientation: text('orientation'),
    titreAtelier: text('titre_atelier'),
    niveauAtelier: text('niveau_atelier'),
    beneficiaireId: uuid('beneficiaire_id').references(() => beneficiaires.id),
    /** Accompaniments counted nationally: participants of a workshop, 1 otherwise. */
    accompagnements: integer('accompagnements').notNull(),
    /** {total, deja_accompagnes, genres, tranches_age, statuts}: complete counts, remainder as non_communique. */
    participants: jsonb('participants').notNull(),
    notes: text('notes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('activites_conseiller_date_idx').on(t.conseillerId, t.date.desc(), t.id.desc()).where(sql`${t.deletedAt} is null`),
    index('activites_structure_date_idx').on(t.structureId, t.date).where(sql`${t.deletedAt} is null`),
    index('activites_departement_date_idx').on(t.departement, t.date).where(sql`${t.deletedAt} is null`),
    index('activites_date_idx').on(t.date).where(sql`${t.deletedAt} is null`),
    index('activites_beneficiaire_idx').on(t.beneficiaireId, t.date).where(sql`${t.beneficiaireId} is not null and ${t.deletedAt} is null`),
  ],
);
