import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Durable jobs. A row is written in the same transaction as the business change that asks for it,
 * so a job exists if and only if that change committed. Workers claim rows with
 * `FOR UPDATE SKIP LOCKED`; a claimed row carries a lease (`locked_until`) that a live worker keeps
 * extending: a worker killed mid-run leaves a lapsed lease, and the job is claimed again.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull().default({}),
    /** en_attente → en_cours → termine, or back to en_attente (retry), or echec after the last attempt. */
    status: text('status').notNull().default('en_attente'),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lastError: text('last_error'),
    /** Enqueuing the same key twice makes one job (recurring schedules use one key per period). */
    idempotencyKey: text('idempotency_key'),
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('jobs_idempotency_key_idx').on(t.idempotencyKey),
    index('jobs_due_idx').on(t.runAt, t.id).where(sql`status = 'en_attente'`),
    index('jobs_running_idx').on(t.lockedUntil).where(sql`status = 'en_cours'`),
    index('jobs_status_idx').on(t.status, t.id),
  ],
);
