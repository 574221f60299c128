import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One-time messages shown on the next page (« Le lieu a été créé. »). The browser only holds the
 * random id in a signed cookie; the text, which may quote user input, stays here until read.
 */
export const flashMessages = pgTable(
  'flash_messages',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('flash_messages_expires_at_idx').on(t.expiresAt)],
);
