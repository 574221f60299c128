import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const structures = pgTable(
  'structures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    siret: text('siret').notNull().unique(),
    nom: text('nom').notNull(),
    type: text('type').notNull(),
    adresse: text('adresse').notNull(),
    codePostal: text('code_postal').notNull(),
    communeInsee: text('commune_insee').notNull(),
    /** Derived from the commune; kept for territorial filtering without a join. */
    departement: text('departement').notNull(),
    region: text('region').notNull(),
    contactEmail: text('contact_email'),
    contactTelephone: text('contact_telephone'),
    /** Demo data, never a real organisation. */
    demo: boolean('demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('structures_departement_idx').on(t.departement)],
);
