import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/deps.js';
import type { FieldErrors } from '../platform/views/components.js';
import { distinctAuditActions, listAudit } from './audit.js';
import { JournalPage } from './views/journal.js';

const PAGE = 50;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function registerAuditRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/admin/journal', { config: { access: 'audit:consulter' } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const values = { q: (q.q ?? '').slice(0, 100), action: q.action ?? '', du: q.du ?? '', au: q.au ?? '' };
    const errors: FieldErrors = {};
    if (values.du && !DATE_RE.test(values.du)) errors.du = 'Date attendue au format AAAA-MM-JJ.';
    if (values.au && !DATE_RE.test(values.au)) errors.au = 'Date attendue au format AAAA-MM-JJ.';
    const before = Number(q.avant);
    const rows = await listAudit(deps.db, {
      q: values.q || undefined,
      action: values.action || undefined,
      from: values.du && !errors.du ? values.du : undefined,
      to: values.au && !errors.au ? values.au : undefined,
      before: Number.isInteger(before) && before > 0 ? before : undefined,
      limit: PAGE + 1,
    });
    const page = rows.slice(0, PAGE);
    const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v)).toString();
    return reply.html(
      JournalPage({
        ctx: request.ctx(),
        rows: page,
        values,
        errors,
        actions: await distinctAuditActions(deps.db),
        nextBefore: rows.length > PAGE ? (page[page.length - 1]?.id ?? null) : null,
        query,
      }),
      Object.keys(errors).length ? 400 : 200,
    );
  });
}
