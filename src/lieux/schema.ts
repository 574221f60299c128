import { boolean, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { structures } from '../structures/schema.js';
import { users } from '../comptes/schema.js';

/**
 * A place (lieu de médiation numérique): every field of the national standard v1.0.2 (multi-values
 * as text[]), plus who owns it, whether the public finder shows it, where it came from.
 */
export const lieux = pgTable(
  'lieux',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // --- the standard v1.0.2 (the standard's `id` is kept as source_id; ours is `id`)
    pivot: text('pivot').notNull(),
    nom: text('nom').notNull(),
    commune: text('commune').notNull(),
    codePostal: text('code_postal').notNull(),
    codeInsee: text('code_insee'),
    adresse: text('adresse').notNull(),
    complementAdresse: text('complement_adresse'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    typologie: text('typologie').array().notNull().default([]),
    telephone: text('telephone'),
    courriels: text('courriels').array().notNull().default([]),
    siteWeb: text('site_web').array().notNull().default([]),
    horaires: text('horaires'),
    presentationResume: text('presentation_resume'),
    presentationDetail: text('presentation_detail'),
    /** The standard's `source`: who collected the data. */
    source: text('source'),
    itinerance: text('itinerance').array().notNull().default([]),
    structureParente: text('structure_parente'),
    dateMaj: text('date_maj').notNull(),
    services: text('services').array().notNull().default([]),
    publicsSpecifiquementAdresses: text('publics_specifiquement_adresses').array().notNull().default([]),
    priseEnChargeSpecifique: text('prise_en_charge_specifique').array().notNull().default([]),
    fraisACharge: text('frais_a_charge').array().notNull().default([]),
    dispositifProgrammesNationaux: text('dispositif_programmes_nationaux').array().notNull().default([]),
    formationsLabels: text('formations_labels').array().notNull().default([]),
    autresFormationsLabels: text('autres_formations_labels').array().notNull().default([]),
    modalitesAcces: text('modalites_acces').array().notNull().default([]),
    modalitesAccompagnement: text('modalites_accompagnement').array().notNull().default([]),
    ficheAccesLibre: text('fiche_acces_libre'),
    priseRdv: text('prise_rdv'),
    // --- the platform
    structureId: uuid('structure_id').references(() => structures.id, { onDelete: 'set null' }),
    /** Shown on the public finder, the public API and the exports. */
    public: boolean('public').notNull().default(true),
    /** Where the record comes from (an import's --source, or « plateforme ») and its id there: the upsert key. */
    origine: text('origine').notNull(),
    origineId: text('origine_id').notNull(),
    /** sha256 of the normalised standard record: a re-import with the same content changes nothing. */
    empreinte: text('empreinte').notNull(),
    /**
     * Values of the source kept out of the published fields because the national tools refuse them
     * (a SIREN as pivot, a phone number with a wrong number of digits), by field: the record keeps them.
     */
    valeursOrigine: jsonb('valeurs_origine').$type<Record<string, string>>(),
    /**
     * A likely duplicate found at import (same address, similar name): held out of the finder and
     * the exports (`a_verifier`) until an administrator publishes both (`distinct`) or keeps the other
     * one (`ecarte`, not public). `doublon_de` is the place it looks like.
     */
    doublonStatut: text('doublon_statut').$type<'a_verifier' | 'distinct' | 'ecarte'>(),
    doublonDe: uuid('doublon_de').references((): AnyPgColumn => lieux.id, { onDelete: 'set null' }),
    demo: boolean('demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('lieux_origine_idx').on(t.origine, t.origineId),
    index('lieux_structure_idx').on(t.structureId),
    index('lieux_updated_at_idx').on(t.updatedAt),
    index('lieux_pivot_idx').on(t.pivot),
    index('lieux_code_insee_idx').on(t.codeInsee),
    index('lieux_code_postal_idx').on(t.codePostal),
    index('lieux_latitude_idx').on(t.latitude),
    index('lieux_doublon_statut_idx').on(t.doublonStatut),
  ],
);

/** The conseillers who work at a place, and on which half-days (their permanences). */
export const lieuxConseillers = pgTable(
  'lieux_conseillers',
  {
    lieuId: uuid('lieu_id')
      .notNull()
      .references(() => lieux.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Half-days: lundi_matin, lundi_apres_midi, … dimanche_apres_midi. */
    creneaux: text('creneaux').array().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.lieuId, t.userId] }), index('lieux_conseillers_user_idx').on(t.userId)],
);
