import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type AppDeps } from '../platform/deps.js';
import { forbidden, notFound } from '../platform/http.js';
import { ErrorPage } from '../platform/views/errors.js';
import { hasRole, type Principal } from '../platform/access.js';
import { getStructure } from '../structures/structures.js';
import {
  ActiviteConflict,
  ActiviteInvalid,
  checkActivite,
  conseillerProfile,
  countsForConseiller,
  countsForEquipe,
  countsForStructures,
  createActivite,
  decodeCursor,
  deleteActivite,
  encodeCursor,
  equipeScope,
  getOwnActivite,
  iterateActivites,
  listActivites,
  membresDe,
  previousActivite,
  themesForEquipe,
  themesForStructures,
  toPayload,
  updateActivite,
  type ActiviteOwner,
  type ConseillerProfile,
  type EquipeScope,
} from './activites.js';
import {
  getOwnBeneficiaire,
  listBeneficiaires,
} from './beneficiaires.js';
import { parisDate, systemClock } from './dates.js';
import { csvStream, headerLines, xlsxStream, type FormeExport } from './export.js';
import { registerActivitesOpenApi } from './openapi.js';
import { registerActivitesApiRoutes } from './routes-api.js';
import { registerBeneficiairesRoutes } from './routes-beneficiaires.js';
import { communeValues, rawBody, type RawBody } from './formulaire.js';
import { parseFilter } from './filtres.js';
import { formFieldOf, formToPayload, isClientUuid, type ActivitePayload } from './validation.js';
import { isUuid } from '../platform/ids.js';
import { ActiviteFormPage, type FormState } from './views/form.js';
import { ActivitesPage, StatistiquesPage, SuppressionActivitePage, beneficiaireLabel, nomActivite, type StatistiquesSection } from './views/pages.js';

const PAGE_SIZE = 50;
const SW_FILE = fileURLToPath(new URL('../../public/activites-sw.js', import.meta.url));

/** Form state from an activity (edit, duplicate, defaults). */
export function stateOf(p: Partial<ActivitePayload>): FormState {
  const values: Record<string, string> = {};
  const multi: Record<string, string[]> = {
    thematiques: p.thematiques ?? [],
    thematiques_demarches: p.thematiques_demarches ?? [],
    materiel: p.materiel ?? [],
  };
  if (p.id) values.id = p.id;
  if (p.type) values.type = p.type;
  if (p.date) values.date = p.date;
  if (p.duree_minutes) {
    const preset = [15, 30, 45, 60, 90, 120].includes(p.duree_minutes);
    values.duree = preset ? String(p.duree_minutes) : 'autre';
    if (!preset) values.duree_autre = String(p.duree_minutes);
  }
  if (p.lieu) {
    values.lieu = p.lieu.type === 'lieu_activite' ? `lieu_activite:${p.lieu.lieu_id}` : p.lieu.type;
    if (p.lieu.type !== 'lieu_activite' && p.lieu.commune_insee) Object.assign(values, communeValues(p.lieu.commune_insee));
  }
  if (p.personne) {
    if (p.personne.genre) values.personne_genre = p.personne.genre;
    if (p.personne.tranche_age) values.personne_age = p.personne.tranche_age;
    if (p.personne.statut) values.personne_statut = p.personne.statut;
  }
  for (const k of ['nom_demarche', 'autonomie', 'orientation', 'beneficiaire_id', 'notes', 'titre_atelier', 'niveau_atelier'] as const) {
    const v = p[k];
    if (v) values[k] = v;
  }
  if (p.participants) {
    values.participants_total = String(p.participants.total);
    values.participants_deja_accompagnes = String(p.participants.deja_accompagnes);
    const put = (prefix: string, counts: Record<string, number>) => {
      for (const [c, n] of Object.entries(counts)) if (c !== 'non_communique' && n) values[`${prefix}_${c}`] = String(n);
    };
    put('genre', p.participants.genres);
    put('age', p.participants.tranches_age);
    put('statut', p.participants.statuts);
  }
  return { values, multi };
}

function stateOfBody(body: RawBody): FormState {
  const values: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf' || k === '_utilisateur') continue;
    if (Array.isArray(v)) multi[k] = v.map(String);
    else if (typeof v === 'string') {
      values[k] = v;
      if (['thematiques', 'thematiques_demarches', 'materiel'].includes(k)) multi[k] = [v];
    }
  }
  return { values, multi };
}

function formErrors(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) {
    const f = k === 'body' || k === 'id' ? '_form' : formFieldOf(k);
    out[f] ??= v;
  }
  return out;
}

function structureIdsOf(user: Principal, roles: string[]): string[] {
  return user.roles.filter((g) => roles.includes(g.role) && g.structureId).map((g) => g.structureId!);
}

export function registerActivitesRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;
  const clock = systemClock;
  registerActivitesOpenApi();

  async function beneficiaireOptions(userId: string) {
    return (await listBeneficiaires(db, userId, '', 500)).map((b) => ({ id: b.id, label: beneficiaireLabel(b) }));
  }

  async function defaultsFor(profile: ConseillerProfile, previousId?: string): Promise<{ state: FormState; note?: string }> {
    const today = parisDate(clock());
    const prev = await previousActivite(db, profile.userId, previousId);
    if (prev) {
      const p = toPayload(prev);
      return {
        state: stateOf({ id: randomUUID(), date: today, type: p.type, duree_minutes: p.duree_minutes, lieu: p.lieu }),
        note: 'Type, durée et lieu repris de votre activité précédente.',
      };
    }
    let communeInsee: string | null = null;
    if (profile.structureId) communeInsee = (await getStructure(db, profile.structureId))?.communeInsee ?? null;
    return { state: stateOf({ id: randomUUID(), date: today, type: 'individuel', duree_minutes: 30, lieu: { type: 'autre', lieu_id: null, commune_insee: communeInsee } }) };
  }

  /**
   * The beneficiary options of an edited activity: the active ones, plus the one already linked when
   * it has been anonymised (shown as « Bénéficiaire anonymisé »), so that saving keeps the link.
   */
  async function optionsFor(userId: string, linkedId: string | null) {
    const options = await beneficiaireOptions(userId);
    if (linkedId && !options.some((o) => o.id === linkedId)) {
      const b = await getOwnBeneficiaire(db, userId, linkedId);
      if (b?.anonymiseAt && !b.fusionneDans) options.unshift({ id: b.id, label: 'Bénéficiaire anonymisé' });
    }
    return options;
  }

  async function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    profile: ConseillerProfile,
    state: FormState,
    status = 200,
    extra: { errors?: Record<string, string>; editId?: string; note?: string; linkedBeneficiaire?: string | null } = {},
  ) {
    const { linkedBeneficiaire, ...rest } = extra;
    // The signed-in user's id is rendered on the form: the offline queue ties each entry to it.
    reply.header('x-cn-utilisateur', profile.userId);
    return reply.html(
      ActiviteFormPage({
        ctx: request.ctx(),
        state,
        lieux: profile.lieux,
        beneficiaires: await optionsFor(profile.userId, linkedBeneficiaire ?? null),
        today: parisDate(clock()),
        utilisateur: profile.userId,
        ...rest,
      }),
      status,
    );
  }

  function badRequestPage(request: FastifyRequest, reply: FastifyReply, message: string) {
    return reply.html(ErrorPage({ ctx: request.ctx(), status: 400, title: 'Adresse invalide', message }), 400);
  }

  // ----------------------------------------------------------------------------------------------
  // Pages: entry, list, edit, delete, exports

  app.get('/activites', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const user = request.user!;
    const q = request.query as Record<string, unknown>;
    const { filter, errors } = parseFilter(q);
    const after = q.apres === undefined || q.apres === '' ? null : decodeCursor(q.apres);
    if (q.apres !== undefined && q.apres !== '' && !after)
      errors._form = 'Le lien vers la page suivante (paramètre « apres ») est invalide : reprenez la liste depuis la première page.';
    const [rows, profile, beneficiaires, counts] = await Promise.all([
      listActivites(db, user.id, filter, after, PAGE_SIZE + 1),
      conseillerProfile(db, user),
      beneficiaireOptions(user.id),
      countsForConseiller(db, user.id, clock),
    ]);
    const page = rows.slice(0, PAGE_SIZE);
    reply.header('x-cn-utilisateur', user.id);
    return reply.html(
      ActivitesPage({
        ctx: request.ctx(),
        rows: page,
        filter,
        errors,
        next: rows.length > PAGE_SIZE ? encodeCursor(page[page.length - 1]!) : null,
        first: !after,
        lieux: profile.lieux,
        beneficiaires,
        counts,
        utilisateur: user.id,
      }),
      Object.keys(errors).length ? 400 : 200,
    );
  });

  app.get('/activites/nouvelle', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const profile = await conseillerProfile(db, request.user!);
    const q = request.query as { dupliquer?: unknown; precedente?: unknown };
    for (const k of ['dupliquer', 'precedente'] as const) {
      if (q[k] !== undefined && q[k] !== '' && !isUuid(q[k]))
        return badRequestPage(request, reply, `Le paramètre « ${k} » doit être l'identifiant (UUID) d'une de vos activités.`);
    }
    if (typeof q.dupliquer === 'string' && q.dupliquer) {
      const source = await getOwnActivite(db, profile.userId, q.dupliquer);
      if (!source) return notFound(request, reply);
      const state = stateOf({ ...toPayload(source), id: randomUUID(), date: parisDate(clock()) });
      return renderForm(request, reply, profile, state, 200, { note: `Copie de l'activité du ${source.date.split('-').reverse().join('/')} : vérifiez la date puis enregistrez.` });
    }
    const d = await defaultsFor(profile, typeof q.precedente === 'string' ? q.precedente : undefined);
    return renderForm(request, reply, profile, d.state, 200, d.note ? { note: d.note } : {});
  });

  app.post('/activites/nouvelle', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const profile = await conseillerProfile(db, request.user!);
    const body = rawBody(request);
    const payload = formToPayload(body);
    if (!isClientUuid(payload.id)) payload.id = randomUUID();
    try {
      const v = await checkActivite(db, profile, payload, clock);
      const r = await createActivite(db, actorOf(request), profile, v);
      return reply.flash(r.created ? 'Activité enregistrée.' : 'Cette activité était déjà enregistrée.', r.created ? 'succes' : 'info').redirect(`/activites/nouvelle?precedente=${r.row.id}`, 303);
    } catch (e) {
      const state = stateOfBody(body);
      state.values.id = String(payload.id);
      if (e instanceof ActiviteInvalid) return renderForm(request, reply, profile, state, 400, { errors: formErrors(e.errors) });
      if (e instanceof ActiviteConflict) {
        state.values.id = randomUUID();
        return renderForm(request, reply, profile, state, 409, { errors: { _form: `${e.message} Vérifiez puis enregistrez de nouveau.` } });
      }
      throw e;
    }
  });

  app.get('/activites/:id/modifier', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const profile = await conseillerProfile(db, request.user!);
    const row = await getOwnActivite(db, profile.userId, (request.params as { id: string }).id);
    if (!row) return notFound(request, reply);
    return renderForm(request, reply, profile, stateOf(toPayload(row)), 200, { editId: row.id, linkedBeneficiaire: row.beneficiaireId });
  });

  app.post('/activites/:id/modifier', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const profile = await conseillerProfile(db, request.user!);
    const row = await getOwnActivite(db, profile.userId, (request.params as { id: string }).id);
    if (!row) return notFound(request, reply);
    const body = rawBody(request);
    const payload = { ...formToPayload(body), id: row.id };
    try {
      const v = await checkActivite(db, profile, payload, clock, row.beneficiaireId);
      await updateActivite(db, actorOf(request), profile, v);
      return reply.flash('Activité modifiée.').redirect('/activites', 303);
    } catch (e) {
      const state = stateOfBody(body);
      if (e instanceof ActiviteInvalid)
        return renderForm(request, reply, profile, state, 400, { errors: formErrors(e.errors), editId: row.id, linkedBeneficiaire: row.beneficiaireId });
      if (e instanceof ActiviteConflict) return reply.flash(e.message, 'erreur').redirect('/activites', 303);
      throw e;
    }
  });

  app.get('/activites/:id/supprimer', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const profile = await conseillerProfile(db, request.user!);
    const row = await getOwnActivite(db, profile.userId, (request.params as { id: string }).id);
    if (!row) return notFound(request, reply);
    return reply.html(SuppressionActivitePage({ ctx: request.ctx(), row, lieux: profile.lieux }));
  });

  app.post('/activites/:id/supprimer', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const row = await getOwnActivite(db, request.user!.id, id);
    if (!row) return notFound(request, reply);
    await deleteActivite(db, actorOf(request), request.user!.id, row.id);
    const nom = nomActivite(row);
    return reply.flash(`${nom.charAt(0).toUpperCase()}${nom.slice(1)} a été supprimé${row.type === 'ponctuel' ? 'e' : ''}.`).redirect('/activites', 303);
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/activites/export.${format}`, { config: { access: 'activites:saisir' } }, async (request, reply) => {
      const user = request.user!;
      const { filter, errors } = parseFilter(request.query as Record<string, unknown>);
      const forme = formeExport(request.query as Record<string, unknown>, errors);
      if (Object.keys(errors).length) return invalidExportFilters(request, reply, errors);
      const profile = await conseillerProfile(db, user);
      const lieuNom = (id: string) => profile.lieux.find((l) => l.id === id)?.nom;
      const header = headerLines(`Activités de ${user.firstName} ${user.lastName}${forme === 'codes' ? ' (codes d’échange, pour un traitement automatique)' : ''}`, filter, clock(), lieuNom);
      const rows = iterateActivites(db, user.id, filter);
      const name = `activites-${forme === 'codes' ? 'codes-' : ''}${parisDate(clock())}.${format}`;
      const opts = { notes: true, beneficiaire: true, forme, lieuNom };
      reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(csvStream(header, rows, opts));
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(xlsxStream(header, rows, opts));
    });
  }

  // The offline worker, served under /activites/ so that its scope is the entry pages.
  let swSource: string | undefined;
  app.get('/activites/sw.js', { config: { access: 'public' } }, async (_request, reply) => {
    swSource ??= readFileSync(SW_FILE, 'utf8');
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(swSource);
  });

  /**
   * The aggregates a user may read: their structures' (structure managers) and their team's
   * (coordinators: their own activities and each member's during their membership).
   */
  async function perimetres(user: Principal): Promise<{ structure: { ids: string[]; noms: string } | null; equipe: EquipeScope | null }> {
    const ids = structureIdsOf(user, ['structure']);
    const [noms, equipe] = await Promise.all([
      hasRole(user, 'structure') ? Promise.all(ids.map((id) => getStructure(db, id))).then((r) => r.map((s) => s?.nom ?? '').join(', ')) : '',
      hasRole(user, 'coordinateur') ? equipeScope(db, user.id) : null,
    ]);
    return { structure: hasRole(user, 'structure') ? { ids, noms } : null, equipe };
  }

  // Aggregates for structure managers and coordinators: counts only, never a name.
  app.get('/activites/structure', { config: { access: 'activites:statistiques' } }, async (request, reply) => {
    const user = request.user!;
    const p = await perimetres(user);
    const sections: StatistiquesSection[] = [];
    if (p.structure) {
      const [counts, themes] = await Promise.all([countsForStructures(db, p.structure.ids, clock), themesForStructures(db, p.structure.ids)]);
      sections.push({ perimetre: 'structure', titre: 'Activités de la structure', description: p.structure.noms, counts, themes });
    }
    if (p.equipe) {
      const [counts, themes] = await Promise.all([countsForEquipe(db, p.equipe, clock), themesForEquipe(db, p.equipe)]);
      const n = membresDe(p.equipe).length;
      sections.push({
        perimetre: 'equipe',
        titre: "Activités de l'équipe",
        description:
          n === 0
            ? "Vos propres activités : aucun conseiller n'est encore rattaché à votre équipe."
            : `Vos activités et celles des ${n} conseiller${n > 1 ? 's' : ''} de votre équipe, chacun seulement pendant sa présence dans l'équipe.`,
        counts,
        themes,
      });
    }
    return reply.html(StatistiquesPage({ ctx: request.ctx(), sections }));
  });

  // Anonymous exports of a structure's or a team's activities: no notes (free text may hold names), no beneficiary.
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/activites/structure/export.${format}`, { config: { access: 'activites:statistiques' } }, async (request, reply) => {
      const user = request.user!;
      const q = request.query as Record<string, unknown>;
      const { filter, errors } = parseFilter(q);
      delete filter.beneficiaire;
      const asked = typeof q.perimetre === 'string' ? q.perimetre : '';
      if (asked && asked !== 'structure' && asked !== 'equipe') errors.perimetre = `Périmètre inconnu « ${asked.slice(0, 30)} » : « structure » ou « equipe ».`;
      const forme = formeExport(q, errors);
      if (Object.keys(errors).length) return invalidExportFilters(request, reply, errors);
      const p = await perimetres(user);
      const perimetre = asked || (p.structure ? 'structure' : 'equipe');
      let owner: ActiviteOwner;
      let title: string;
      if (perimetre === 'structure' && p.structure) {
        owner = { structureIds: p.structure.ids };
        title = `Activités de la structure ${p.structure.noms} (sans données personnelles)`;
      } else if (perimetre === 'equipe' && p.equipe) {
        owner = p.equipe;
        title = `Activités de l'équipe de ${user.firstName} ${user.lastName}, pendant la présence de chacun dans l'équipe (sans données personnelles)`;
      } else return forbidden(request, reply);
      const header = headerLines(`${title}${forme === 'codes' ? ' (codes d’échange, pour un traitement automatique)' : ''}`, filter, clock());
      const rows = iterateActivites(db, owner, filter);
      const opts = { notes: false, beneficiaire: false, forme };
      reply.header('content-disposition', `attachment; filename="activites-${perimetre}-${forme === 'codes' ? 'codes-' : ''}${parisDate(clock())}.${format}"`).header('cache-control', 'no-store');
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(csvStream(header, rows, opts));
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(xlsxStream(header, rows, opts));
    });
  }

  registerBeneficiairesRoutes(app, deps);
  registerActivitesApiRoutes(app, deps);

}

/** An export link opened from a page with bad filters: a French page naming each filter. */
/** `forme`: « lisible » (default) or « codes » (the machine export); anything else goes to `errors`. */
function formeExport(q: Record<string, unknown>, errors: Record<string, string>): FormeExport {
  const v = q.forme;
  if (v === undefined || v === '' || v === 'lisible') return 'lisible';
  if (v === 'codes') return 'codes';
  errors.forme = 'Forme d’export inconnue : « lisible » ou « codes ».';
  return 'lisible';
}

function invalidExportFilters(request: FastifyRequest, reply: FastifyReply, errors: Record<string, string>): FastifyReply {
  return reply.html(
    ErrorPage({
      ctx: request.ctx(),
      status: 400,
      title: 'Filtres invalides',
      message: `L'export n'a pas été produit : ${Object.values(errors).join(' ')} Corrigez les filtres de la liste et relancez l'export.`,
    }),
    400,
  );
}
