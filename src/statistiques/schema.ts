import { date, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';

/**
 * Statistics aggregates, maintained by triggers on `activites` (migration 00xx_statistiques): every
 * insert, edit, deletion (deleted_at) and beneficiary merge (beneficiaire_id moved) updates them in the
 * same statement, hence the same transaction. Nothing else writes them.
 *
 * One row per (day, conseiller, structure, département, activity type, dimension, value). The
 * dimension `total` (value '') carries the totals; the others are the distributions of domain §11:
 * type, thematique, thematique_demarche, materiel, lieu (place type), duree (bucket), orientation,
 * lieu_id, commune (weighted by accompagnements) and genre, tranche_age, statut (anonymous people:
 * followed beneficiaries are counted once per period from `statistiques_presences`).
 * A null structure is stored as the nil UUID and a null département as '' (primary keys).
 */
const counts = {
  activites: integer('activites').notNull().default(0),
  accompagnements: integer('accompagnements').notNull().default(0),
  participantsAteliers: integer('participants_ateliers').notNull().default(0),
  /** Anonymous people (activities without a followed beneficiary): their total, or those with this value. */
  personnes: integer('personnes').notNull().default(0),
  /** Anonymous people not marked « déjà accompagnés ». */
  nouveaux: integer('nouveaux').notNull().default(0),
  minutes: integer('minutes').notNull().default(0),
};

export const statistiquesJours = pgTable(
  'statistiques_jours',
  {
    jour: date('jour', { mode: 'string' }).notNull(),
    conseillerId: uuid('conseiller_id').notNull(),
    structureId: uuid('structure_id').notNull(),
    departement: text('departement').notNull(),
    type: text('type').notNull(),
    dimension: text('dimension').notNull(),
    valeur: text('valeur').notNull(),
    ...counts,
  },
  (t) => [
    primaryKey({ columns: [t.jour, t.conseillerId, t.structureId, t.departement, t.type, t.dimension, t.valeur] }),
    index('statistiques_jours_conseiller_idx').on(t.conseillerId, t.jour),
    index('statistiques_jours_structure_idx').on(t.structureId, t.jour),
    index('statistiques_jours_departement_idx').on(t.departement, t.jour),
  ],
);

/**
 * The same figures per département only, by month (`granularite` 'mois', `debut` = the 1st) and by day
 * ('jour'), plus the national sums (`departement` = NATIONAL), each for all types (`type` '') and per
 * type: national, régional and départemental readings, with or without a types filter, sum a few rows
 * per month. Written by `statistiques_replier()` from the journal below (and rebuilt by the
 * migration's backfill and `statistiques_reconstruire()`); read through the view
 * `statistiques_territoires_lues` (these rows + the journal not yet folded).
 */
export const statistiquesTerritoires = pgTable(
  'statistiques_territoires',
  {
    granularite: text('granularite').notNull(),
    debut: date('debut', { mode: 'string' }).notNull(),
    departement: text('departement').notNull(),
    /** The activities of one type, or '' for all of them: a types filter reads these rows too. */
    type: text('type').notNull().default(''),
    dimension: text('dimension').notNull(),
    valeur: text('valeur').notNull(),
    ...counts,
  },
  // Département (or 'FR') and type before the dates: a reading scans only its own rows.
  (t) => [primaryKey({ columns: [t.granularite, t.departement, t.type, t.debut, t.dimension, t.valeur] })],
);

/**
 * What the activities' triggers add to `statistiques_territoires`, appended (no key, no index, so no
 * row is locked by two writers: every conseiller of a département writes the same territory rows, and
 * upserting them from each write made those rows a queue). `statistiques_replier()` folds it into the
 * territory rows (by day, by month, and the national rows `departement = 'FR'`) from one writer at a
 * time; the view `statistiques_territoires_lues` is the folded rows plus the journal, so a reading is
 * exact whether or not the journal was folded. One row per (day, département, type, dimension, value) of
 * a statement; the département as in `statistiques_jours` ('' when none).
 */
export const statistiquesTerritoiresJournal = pgTable('statistiques_territoires_journal', {
  jour: date('jour', { mode: 'string' }).notNull(),
  departement: text('departement').notNull(),
  type: text('type').notNull(),
  dimension: text('dimension').notNull(),
  valeur: text('valeur').notNull(),
  ...counts,
});

/** The département code of the national rows of `statistiques_territoires` (every département, and none). */
export const NATIONAL = 'FR';

/**
 * Followed beneficiaries seen: one row per (beneficiary, day, conseiller, structure, département, type,
 * gender, age bracket, status) with the number of activities (rows at 0 are removed). Distinct people
 * over any period and scope are counted exactly from it; « nouveaux » are those with no day before.
 */
export const statistiquesPresences = pgTable(
  'statistiques_presences',
  {
    beneficiaireId: uuid('beneficiaire_id').notNull(),
    jour: date('jour', { mode: 'string' }).notNull(),
    conseillerId: uuid('conseiller_id').notNull(),
    structureId: uuid('structure_id').notNull(),
    departement: text('departement').notNull(),
    type: text('type').notNull(),
    genre: text('genre').notNull(),
    trancheAge: text('tranche_age').notNull(),
    statut: text('statut').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.beneficiaireId, t.jour, t.conseillerId, t.structureId, t.departement, t.type, t.genre, t.trancheAge, t.statut] }),
    index('statistiques_presences_jour_idx').on(t.jour),
    index('statistiques_presences_conseiller_idx').on(t.conseillerId, t.jour),
    index('statistiques_presences_structure_idx').on(t.structureId, t.jour),
    index('statistiques_presences_departement_idx').on(t.departement, t.jour),
  ],
);
