import { and, desc, eq, gte, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { auditLog } from './schema.js';

/** Who performs an action: a signed-in user, or the system (CLI, jobs, seed). */
export interface Actor {
  userId: string | null;
  label: string;
  requestId?: string | undefined;
}

export const SYSTEM_ACTOR: Actor = { userId: null, label: 'système' };

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | null;
  summary: string;
  before?: unknown;
  after?: unknown;
}

/** Records an action. Pass the transaction handle so the entry commits or rolls back with the change. */
export async function recordAudit(db: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: entry.action,
    objectType: entry.objectType,
    objectId: entry.objectId ?? null,
    summary: entry.summary,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: actor.requestId ?? null,
  });
}

/**
 * The same entry as one INSERT … SELECT statement, written once per row of `source` (a CTE name,
 * e.g. the `ins` of `with ins as (insert … returning …)`): the change and its entry then travel in one
 * statement — one round trip, atomic without BEGIN/COMMIT — and the entry exists only if the change does.
 */
export function auditInsertFrom(actor: Actor, entry: AuditEntry, source: string): SQL {
  if (!/^[a-z_][a-z0-9_]*$/.test(source)) throw new Error(`audit : nom de source invalide ${source}`);
  const json = (v: unknown) => (v === undefined || v === null ? sql`null` : sql`${JSON.stringify(v)}::jsonb`);
  return sql`insert into ${auditLog} (actor_user_id, actor_label, action, object_type, object_id, summary, before, after, request_id)
    select ${actor.userId}::uuid, ${actor.label}, ${entry.action}, ${entry.objectType}, ${entry.objectId ?? null}, ${entry.summary}, ${json(entry.before)}, ${json(entry.after)}, ${actor.requestId ?? null}
    from ${sql.identifier(source)}`;
}

export interface AuditFilter {
  q?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  /** Calendar dates, inclusive, Europe/Paris. */
  from?: string | undefined;
  to?: string | undefined;
  /** Keyset pagination: entries older than this id. */
  before?: number | undefined;
  limit?: number;
}

export type AuditRow = typeof auditLog.$inferSelect;

export async function listAudit(db: Db, f: AuditFilter): Promise<AuditRow[]> {
  const conds: SQL[] = [];
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, (c) => '\\' + c)}%`;
    conds.push(or(ilike(auditLog.summary, like), ilike(auditLog.actorLabel, like), ilike(auditLog.objectId, like))!);
  }
  if (f.action) conds.push(eq(auditLog.action, f.action));
  if (f.objectType) conds.push(eq(auditLog.objectType, f.objectType));
  if (f.from) conds.push(gte(auditLog.at, sql`(${f.from}::date)::timestamp at time zone 'Europe/Paris'`));
  if (f.to) conds.push(lt(auditLog.at, sql`(${f.to}::date + 1)::timestamp at time zone 'Europe/Paris'`));
  if (f.before) conds.push(lt(auditLog.id, f.before));
  return db
    .select()
    .from(auditLog)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(f.limit ?? 50);
}

/** The distinct actions, by a skip scan of the (action, id) index: fast however long the log grows. */
export async function distinctAuditActions(db: Db): Promise<string[]> {
  const rows = await db.execute<{ action: string }>(sql`
    with recursive t(action) as (
      (select action from audit_log order by action limit 1)
      union all
      select (select a.action from audit_log a where a.action > t.action order by a.action limit 1) from t where t.action is not null
    )
    select action from t where action is not null`);
  return (Array.isArray(rows) ? rows : (rows as unknown as { rows: { action: string }[] }).rows).map((r) => r.action);
}

export async function countAudit(db: Db): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
  return r?.n ?? 0;
}
