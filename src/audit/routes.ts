import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/deps.js';
import type { FieldErrors } from '../platform/views/components.js';
import { isCalendarDate, queryParam } from '../platform/http.js';
import { distinctAuditActions, listAudit } from './audit.js';
import { JournalPage } from './views/journal.js';

const PAGE = 50;

export function registerAuditRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/admin/journal', { config: { access: 'audit:consulter' } }, async (request, reply) => {
    const values = { q: queryParam(request, 'q', 100), action: queryParam(request, 'action', 100), du: queryParam(request, 'du'), au: queryParam(request, 'au') };
    const errors: FieldErrors = {};
    if (values.du && !isCalendarDate(values.du)) errors.du = 'Saisissez une date réelle, au format AAAA-MM-JJ, entre l’an 1 et l’an 9999.';
    if (values.au && !isCalendarDate(values.au)) errors.au = 'Saisissez une date réelle, au format AAAA-MM-JJ, entre l’an 1 et l’an 9999.';
    const before = Number(queryParam(request, 'avant'));
    const rows = await listAudit(deps.db, {
      q: values.q || undefined,
      action: values.action || undefined,
      from: values.du && !errors.du ? values.du : undefined,
      to: values.au && !errors.au ? values.au : undefined,
      before: Number.isSafeInteger(before) && before > 0 ? before : undefined,
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
