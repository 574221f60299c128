/** The agreement's page, shared by the routes that act on it (they show it again with the error). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import type { Db } from '../../platform/db.js';
import { actorOf } from '../../platform/deps.js';
import { formBody } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { getFile, type FileStorage } from '../../platform/uploads/index.js';
import { periodesDesStructures } from '../../recrutement/recrutement.js';
import { calculer, conventionsDeStructure, evenementsDe, versementsDe, type Convention } from '../conventions.js';
import { ConventionsError, getRegime } from '../regimes.js';
import { documentCourant, documentsDe } from '../documents.js';
import { ConventionPage, type ConventionView } from '../views/convention.js';
import { resourceOf } from './shared.js';

export function conventionPage(db: Db, storage: FileStorage) {
  async function page(request: FastifyRequest, reply: FastifyReply, c: Convention, extra: Partial<ConventionView> = {}, status = 200) {
    const u = request.user;
    const r = resourceOf(c);
    const today = parisCalendarDate();
    // The document the structure is shown is the current one: generated here when the agreement changed.
    if (c.etat === 'en_construction' || c.etat === 'accepte' || c.etat === 'en_instruction') await documentCourant(db, storage, actorOf(request), c.id);
    const [regime, calcul, docs, versements, evenements, toutes, contrats] = await Promise.all([
      getRegime(db, c.regimeId),
      calculer(db, c, today),
      documentsDe(db, c.id),
      versementsDe(db, c.id),
      evenementsDe(db, c.id),
      conventionsDeStructure(db, c.structureId),
      periodesDesStructures(db, [c.structureId]),
    ]);
    const tailles = new Map<string, number>();
    for (const d of docs) {
      const f = await getFile(db, 'conventions', c.id, d.fichierId);
      if (f) tailles.set(d.id, f.taille);
    }
    return reply.html(
      ConventionPage({
        ctx: request.ctx(),
        c,
        regime: regime!,
        calcul,
        documents: docs.map((d) => ({ ...d, ...(tailles.has(d.id) ? { taille: tailles.get(d.id)! } : {}) })),
        versements,
        evenements,
        autres: toutes.filter((o) => o.id !== c.id),
        contratsCourants: contrats.filter((k) => k.debut <= today && (k.fin === null || k.fin >= today)),
        peutSigner: can(u, 'conventions:signer', r),
        peutInstruire: can(u, 'conventions:instruire', r),
        peutRenouveler: can(u, 'conventions:renouveler', r),
        maConvention: can(u, 'conventions:signer', r),
        ...extra,
      }),
      status,
    );
  }

  /** Runs a change; a ConventionsError becomes the page again with the message next to its field. */
  async function act(request: FastifyRequest, reply: FastifyReply, c: Convention, form: string, run: () => Promise<string>, values: Record<string, string> = formBody(request)) {
    try {
      const message = await run();
      return reply.flash(message).redirect(`/conventions/${c.id}`, 303);
    } catch (e) {
      if (!(e instanceof ConventionsError)) throw e;
      const fresh = (await loadFresh(c)) ?? c;
      return page(request, reply, fresh, { form, values, errors: { [e.field]: e.message } }, e.status >= 400 && e.status < 500 ? e.status : 409);
    }
  }
  const loadFresh = async (c: Convention) => (await conventionsDeStructure(db, c.structureId)).find((x) => x.id === c.id);

  return { page, act };
}
