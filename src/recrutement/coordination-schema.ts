import { date, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Coordination activities (domain §2): what a coordinator reports of their own work — team
 * animations, events, partnerships. Owned by the coordinator (`coordinateur_id`, a user id); not the
 * conseillers' activity reports (src/activites). Validated in src/recrutement/coordination.ts.
 */
export const coordination = pgTable(
  'recrutement_coordination',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coordinateurId: uuid('coordinateur_id').notNull(),
    /** animation | evenement | partenariat */
    type: text('type').notNull(),
    /** The day it took place (Europe/Paris calendar date). */
    date: date('date', { mode: 'string' }).notNull(),
    dureeMinutes: integer('duree_minutes').notNull(),
    /** At most 150 characters. */
    titre: text('titre').notNull(),
    /** The partner (a partnership only), at most 200 characters. */
    partenaire: text('partenaire'),
    /** How many took part (0–10,000), when known. */
    participants: integer('participants'),
    /** At most 1,000 characters. */
    notes: text('notes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recrutement_coordination_coord_date_idx').on(t.coordinateurId, t.date)],
);
