import { boolean, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Training (formation): the providers (organismes de formation) and their staff, each conseiller's
 * entry assessment and path, the sessions with their enrolments and attendance, certification, and
 * the annual thematic modules (catalogue, topics proposed and voted by conseillers, each conseiller's
 * choice). Conseillers are users (`conseiller_id` = their user id); who is recruited, where and since
 * when is read from src/recrutement through its exported functions.
 */
export const organismes = pgTable('formation_organismes', {
  id: uuid('id').primaryKey().defaultRandom(),
  nom: text('nom').notNull(),
  /** The hourly rate of the provider's agreement with Banque des Territoires, in euro cents. */
  tauxHoraireCentimes: integer('taux_horaire_centimes').notNull(),
  demo: boolean('demo').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The provider's staff: users holding the `organisme_formation` role for this provider. */
export const personnels = pgTable(
  'formation_personnels',
  {
    organismeId: uuid('organisme_id')
      .notNull()
      .references(() => organismes.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organismeId, t.userId] }), index('formation_personnels_user_idx').on(t.userId)],
);

/** The levels → hours table configured by ANCT (the default one of regles.ts applies to a missing level). */
export const bareme = pgTable('formation_bareme', {
  niveau: integer('niveau').primaryKey(),
  heures: integer('heures').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One entry assessment per conseiller, and their path's length (computed, then possibly adjusted). */
export const parcours = pgTable(
  'formation_parcours',
  {
    conseillerId: uuid('conseiller_id').primaryKey(),
    organismeId: uuid('organisme_id')
      .notNull()
      .references(() => organismes.id),
    niveauPix: integer('niveau_pix').notNull(),
    competence1: integer('competence1').notNull(),
    competence2: integer('competence2').notNull(),
    competence3: integer('competence3').notNull(),
    datePositionnement: date('date_positionnement', { mode: 'string' }).notNull(),
    /** From the table at the time of the assessment. */
    heuresCalculees: integer('heures_calculees').notNull(),
    /** Equal to heures_calculees unless adjusted with a reason. */
    heuresRequises: integer('heures_requises').notNull(),
    motifAjustement: text('motif_ajustement'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('formation_parcours_organisme_idx').on(t.organismeId)],
);

export const sessions = pgTable(
  'formation_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organismeId: uuid('organisme_id')
      .notNull()
      .references(() => organismes.id),
    titre: text('titre').notNull(),
    debut: date('debut', { mode: 'string' }).notNull(),
    fin: date('fin', { mode: 'string' }).notNull(),
    heures: integer('heures').notNull(),
    lieu: text('lieu'),
    aDistance: boolean('a_distance').notNull().default(false),
    capacite: integer('capacite').notNull(),
    /** A session of an annual module (otherwise: the initial path). */
    moduleId: uuid('module_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('formation_sessions_organisme_idx').on(t.organismeId, t.debut)],
);

/** A conseiller enrolled in a session, and the attendance hours recorded by the provider (null until then). */
export const inscriptions = pgTable(
  'formation_inscriptions',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    conseillerId: uuid('conseiller_id').notNull(),
    heuresPresence: integer('heures_presence'),
    presenceSaisieLe: timestamp('presence_saisie_le', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.conseillerId] }), index('formation_inscriptions_conseiller_idx').on(t.conseillerId)],
);

export const certifications = pgTable('formation_certifications', {
  conseillerId: uuid('conseiller_id').primaryKey(),
  /** obtenu | reporte | non_presente */
  ccp1Resultat: text('ccp1_resultat'),
  ccp1Date: date('ccp1_date', { mode: 'string' }),
  pixScore: integer('pix_score'),
  pixDate: date('pix_date', { mode: 'string' }),
  ccp2Resultat: text('ccp2_resultat'),
  ccp2Date: date('ccp2_date', { mode: 'string' }),
  ccp3Resultat: text('ccp3_resultat'),
  ccp3Date: date('ccp3_date', { mode: 'string' }),
  organismeId: uuid('organisme_id'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The annual catalogue: modules of 7 or 14 hours, each given by a provider. */
export const modules = pgTable(
  'formation_modules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    annee: integer('annee').notNull(),
    titre: text('titre').notNull(),
    heures: integer('heures').notNull(),
    description: text('description'),
    organismeId: uuid('organisme_id')
      .notNull()
      .references(() => organismes.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('formation_modules_annee_idx').on(t.annee)],
);

/** Topics proposed by conseillers for a year's catalogue, and their votes (one per conseiller and topic). */
export const propositions = pgTable(
  'formation_propositions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    annee: integer('annee').notNull(),
    sujet: text('sujet').notNull(),
    conseillerId: uuid('conseiller_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('formation_propositions_annee_idx').on(t.annee)],
);

export const votes = pgTable(
  'formation_votes',
  {
    propositionId: uuid('proposition_id')
      .notNull()
      .references(() => propositions.id, { onDelete: 'cascade' }),
    conseillerId: uuid('conseiller_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.propositionId, t.conseillerId] })],
);

/** Each conseiller's module of the year, and its completion recorded by the provider. */
export const choixModules = pgTable(
  'formation_choix_modules',
  {
    conseillerId: uuid('conseiller_id').notNull(),
    annee: integer('annee').notNull(),
    moduleId: uuid('module_id')
      .notNull()
      .references(() => modules.id),
    realiseLe: date('realise_le', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.conseillerId, t.annee] }), index('formation_choix_module_idx').on(t.moduleId)],
);

/** Reminders sent to late conseillers (one per conseiller and day at most). */
export const relances = pgTable(
  'formation_relances',
  {
    conseillerId: uuid('conseiller_id').notNull(),
    jour: date('jour', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('formation_relances_idx').on(t.conseillerId, t.jour)],
);
