import { bigint, customType, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (v) => v,
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)),
});

/** Metadata of every uploaded file; the content lives behind a storage adapter, under `storage_key`. */
export const fichiers = pgTable(
  'fichiers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The bounded context owning the file ('structures', …) and the id of the owning object. */
    ownerContext: text('owner_context').notNull(),
    ownerId: text('owner_id').notNull(),
    /** What the file is for, as typed by the uploader (bounded length). */
    libelle: text('libelle'),
    /** Sanitised original name, at most 200 characters. */
    nomOriginal: text('nom_original').notNull(),
    mediaType: text('media_type').notNull(),
    taille: integer('taille').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    uploadedBy: uuid('uploaded_by'),
    /** Name of the uploader at the time (the comptes context owns users). */
    uploadedByLabel: text('uploaded_by_label').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Retention: the content is purged after this instant (null: kept until deleted). */
    expireLe: timestamp('expire_le', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('fichiers_owner_idx').on(t.ownerContext, t.ownerId, t.createdAt), index('fichiers_expire_idx').on(t.expireLe)],
);

/** Default storage: file contents in the database, shared by every instance. */
export const fichiersContenus = pgTable('fichiers_contenus', {
  key: text('key').primaryKey(),
  contenu: bytea('contenu').notNull(),
  taille: bigint('taille', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
