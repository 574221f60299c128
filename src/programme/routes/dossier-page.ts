/** The instruction file's page, shared by the routes that act on a file (they show it again with the error). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import type { Db } from '../../platform/db.js';
import { formBody } from '../../platform/http.js';
import { listDocuments } from '../../structures/documents.js';
import { getDossier, historique, ProgrammeError, type Dossier } from '../dossiers.js';
import { avenantsDe } from '../avenants.js';
import { conseillersEnPoste, EnveloppeDepasseeError } from '../postes.js';
import { DossierPage, type DossierView } from '../views/dossiers.js';
import { resourceOf } from './shared.js';

export async function dossierPage(db: Db, request: FastifyRequest, reply: FastifyReply, d: Dossier, extra: Partial<DossierView> = {}, status = 200) {
  const u = request.user;
  const r = resourceOf(d);
  const [evenements, documents, avenants, enPoste] = await Promise.all([
    historique(db, d.id),
    listDocuments(db, d.structureId),
    avenantsDe(db, d.id),
    conseillersEnPoste(db, [d.structureId]),
  ]);
  return reply.html(
    DossierPage({
      ctx: request.ctx(),
      d,
      evenements,
      documents,
      avenants,
      peutAvis: can(u, 'programme:avis', r),
      peutStatut: can(u, 'programme:statut', r),
      peutAbandonner: can(u, 'programme:abandonner', r) && d.postesValides === 0 && !['ABANDON', 'ANNULEE', 'DOUBLON'].includes(d.statut),
      peutAvenant: can(u, 'programme:avenant', r),
      peutDeciderAvenant: can(u, 'programme:coselec', r),
      peutDocuments: can(u, 'structures:modifier', { kind: 'structure', id: d.structureId, departement: d.departement }),
      conseillersEnPoste: enPoste.get(d.structureId) ?? 0,
      ...extra,
    }),
    status,
  );
}

/** Runs a change; a ProgrammeError becomes the page again with the message next to its field. */
export async function act(db: Db, request: FastifyRequest, reply: FastifyReply, d: Dossier, form: string, run: () => Promise<string>) {
  try {
    const message = await run();
    return reply.flash(message).redirect(`/structures/${d.structureId}/dossier`, 303);
  } catch (e) {
    if (e instanceof EnveloppeDepasseeError) return dossierPage(db, request, reply, d, { form, values: formBody(request), errors: { derogation: e.message } }, 409);
    if (!(e instanceof ProgrammeError)) throw e;
    const fresh = (await getDossier(db, d.id)) ?? d;
    return dossierPage(db, request, reply, fresh, { form, values: formBody(request), errors: { [e.field]: e.message } }, e.status === 404 ? 404 : e.status >= 400 && e.status < 500 ? e.status : 409);
  }
}
