import { doublePrecision, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Commune centres loaded by `territoires:import-centres`; communes themselves come from the reference package. */
export const communeCentres = pgTable('commune_centres', {
  insee: text('insee').primaryKey(),
  lat: doublePrecision('lat').notNull(),
  lng: doublePrecision('lng').notNull(),
  source: text('source').notNull(),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
});
