/** The conseiller's followed beneficiaries (pages): list, create, edit, merge, erase, export (JSON and PDF). Private to their conseiller: every query filters on the signed-in user. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type AppDeps } from '../platform/deps.js';
import { notFound } from '../platform/http.js';
import { commune, lireCommune } from '../territoires/territoires.js';
import { conseillerProfile, listActivites } from './activites.js';
import {
  BeneficiaireError,
  beneficiaireStats,
  createBeneficiaire,
  effacerBeneficiaire,
  exportBeneficiaire,
  findDoublons,
  getOwnBeneficiaire,
  listBeneficiaires,
  mergeBeneficiaires,
  updateBeneficiaire,
  validateBeneficiaire,
  type BeneficiaireInput,
  type BeneficiaireRow,
} from './beneficiaires.js';
import { parisDate, systemClock } from './dates.js';
import { communeValues, rawBody, type RawBody } from './formulaire.js';
import { isUuid } from '../platform/ids.js';
import { beneficiaireExportDescription, exportFileName } from './views/beneficiaire-pdf.js';
import { buildPdf } from '../platform/pdf/pdf.js';
import { BeneficiaireFormPage, BeneficiairePage, BeneficiairesPage } from './views/pages.js';


export function registerBeneficiairesRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;
  const clock = systemClock;


  function beneficiaireInput(body: RawBody): BeneficiaireInput & Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of ['prenom', 'nom', 'annee_naissance', 'commune', 'commune_insee', 'commune_insee_pour', 'telephone', 'email', 'notes', 'consentement', 'confirmer']) {
      const v = body[k];
      out[k] = (Array.isArray(v) ? v[v.length - 1] : v)?.toString().trim() ?? '';
    }
    return out;
  }
  const bctx = (requireConsent: boolean) => ({
    currentYear: Number(parisDate(clock()).slice(0, 4)),
    communeExists: (c: string) => !!commune(c),
    requireConsent,
    lireCommune: (texte: string, code: string, pour: string) => {
      const r = lireCommune(texte, code, pour);
      return r.ok ? { insee: r.commune.insee } : { error: r.error };
    },
  });

  async function ownBeneficiaire(request: FastifyRequest, reply: FastifyReply): Promise<BeneficiaireRow | undefined> {
    const b = await getOwnBeneficiaire(db, request.user!.id, (request.params as { id: string }).id);
    if (!b) notFound(request, reply);
    return b;
  }

  app.get('/beneficiaires', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    const q = String((request.query as { q?: unknown }).q ?? '').slice(0, 100);
    return reply.html(BeneficiairesPage({ ctx: request.ctx(), rows: await listBeneficiaires(db, request.user!.id, q), q }));
  });

  app.get('/beneficiaires/nouveau', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    return reply.html(BeneficiaireFormPage({ ctx: request.ctx(), values: {} }));
  });

  app.post('/beneficiaires/nouveau', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    const input = beneficiaireInput(rawBody(request));
    const v = validateBeneficiaire(input, bctx(true));
    if (!v.ok) return reply.html(BeneficiaireFormPage({ ctx: request.ctx(), values: input, errors: v.errors }), 400);
    const doublons = await findDoublons(db, request.user!.id, v.value);
    if (doublons.length && input.confirmer !== 'oui') {
      return reply.html(BeneficiaireFormPage({ ctx: request.ctx(), values: input, doublons }), 409);
    }
    const profile = await conseillerProfile(db, request.user!);
    const b = await createBeneficiaire(db, actorOf(request), { conseillerId: profile.userId, structureId: profile.structureId }, v.value);
    return reply.flash('Bénéficiaire enregistré.').redirect(`/beneficiaires/${b.id}`, 303);
  });

  app.get('/beneficiaires/:id', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    const b = await ownBeneficiaire(request, reply);
    if (!b) return reply;
    const user = request.user!;
    const [stats, acts, profile] = await Promise.all([
      beneficiaireStats(db, b.id),
      listActivites(db, user.id, { beneficiaire: b.id }, null, 200),
      conseillerProfile(db, user),
    ]);
    const doublons =
      b.prenom && b.nom && !b.anonymiseAt && !b.fusionneDans
        ? await findDoublons(db, user.id, { prenom: b.prenom, nom: b.nom, anneeNaissance: b.anneeNaissance, communeInsee: null, telephone: b.telephone, email: b.email, notes: null, consentement: true }, b.id)
        : [];
    return reply.html(BeneficiairePage({ ctx: request.ctx(), b, stats, activites: acts, doublons, lieux: profile.lieux }));
  });

  app.get('/beneficiaires/:id/modifier', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    const b = await ownBeneficiaire(request, reply);
    if (!b) return reply;
    if (b.anonymiseAt || b.fusionneDans) return notFound(request, reply);
    const values: Record<string, string> = {
      prenom: b.prenom ?? '',
      nom: b.nom ?? '',
      annee_naissance: b.anneeNaissance ? String(b.anneeNaissance) : '',
      ...communeValues(b.communeInsee),
      telephone: b.telephone ?? '',
      email: b.email ?? '',
      notes: b.notes ?? '',
    };
    return reply.html(BeneficiaireFormPage({ ctx: request.ctx(), values, editId: b.id }));
  });

  app.post('/beneficiaires/:id/modifier', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    const b = await ownBeneficiaire(request, reply);
    if (!b) return reply;
    const input = beneficiaireInput(rawBody(request));
    const v = validateBeneficiaire(input, bctx(false));
    if (!v.ok) return reply.html(BeneficiaireFormPage({ ctx: request.ctx(), values: input, errors: v.errors, editId: b.id }), 400);
    if (!(await updateBeneficiaire(db, actorOf(request), request.user!.id, b.id, v.value))) return notFound(request, reply);
    return reply.flash('Bénéficiaire modifié.').redirect(`/beneficiaires/${b.id}`, 303);
  });

  app.post('/beneficiaires/:id/fusionner', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    const b = await ownBeneficiaire(request, reply);
    if (!b) return reply;
    const doublon = String(rawBody(request).doublon ?? '');
    if (!isUuid(doublon)) return notFound(request, reply);
    try {
      const n = await mergeBeneficiaires(db, actorOf(request), request.user!.id, b.id, doublon.toLowerCase());
      return reply.flash(`Fiches fusionnées : ${n} activité${n > 1 ? 's' : ''} rattachée${n > 1 ? 's' : ''} à cette fiche.`).redirect(`/beneficiaires/${b.id}`, 303);
    } catch (e) {
      if (e instanceof BeneficiaireError) return reply.flash(e.message, 'erreur').redirect(`/beneficiaires/${b.id}`, 303);
      throw e;
    }
  });

  app.post('/beneficiaires/:id/effacer', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    const b = await ownBeneficiaire(request, reply);
    if (!b) return reply;
    await effacerBeneficiaire(db, actorOf(request), request.user!.id, b.id);
    return reply.flash('Les données personnelles de ce bénéficiaire sont effacées ; ses accompagnements restent comptés, anonymes.').redirect('/beneficiaires', 303);
  });

  app.get('/beneficiaires/:id/export.json', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    const data = await exportBeneficiaire(db, request.user!.id, (request.params as { id: string }).id);
    if (!data) return notFound(request, reply);
    return reply
      .header('content-disposition', `attachment; filename="beneficiaire-${data.beneficiaire.id}.json"`)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  });

  // The same data as a PDF in plain French, to hand to the person exercising their right of access.
  app.get('/beneficiaires/:id/export.pdf', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    const user = request.user!;
    const data = await exportBeneficiaire(db, user.id, (request.params as { id: string }).id);
    if (!data) return notFound(request, reply);
    const profile = await conseillerProfile(db, user);
    const now = clock();
    const description = beneficiaireExportDescription(data, {
      lieuNom: (id) => profile.lieux.find((l) => l.id.toLowerCase() === id)?.nom,
      conseiller: `${user.firstName} ${user.lastName}`.trim(),
      now,
    });
    const { bytes, sha256 } = await buildPdf(description, { creationDate: now, subject: "Droit d'accès aux données personnelles" });
    return reply
      .header('content-disposition', `attachment; filename="${exportFileName(data, now)}"`)
      .header('cache-control', 'no-store')
      .header('x-content-sha256', sha256)
      .type('application/pdf')
      .send(bytes);
  });
}
