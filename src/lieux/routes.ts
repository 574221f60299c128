import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUuid } from '../platform/ids.js';
import fastifyStatic from '@fastify/static';
import { actorOf, type AppDeps } from '../platform/deps.js';
import { forbidden, notFound } from '../platform/http.js';
import { can, hasRole, type Principal } from '../platform/access.js';
import { commune as communeByInsee, normaliseName, searchCommunes, type Commune } from '../territoires/territoires.js';
import { findStructureBySiret, getStructure } from '../structures/structures.js';
import { usersWithRoleInStructures } from '../comptes/users.js';
import { createLieu, doublonsPossibles, getLieu, lieuResource, listLieuxGestion, permanencesOf, toV1, updateLieu, type LieuRow, type Permanence } from './lieux.js';
import { COMPTE_MAX, filtresActifs, MoteurLieux, sansFiltre, SEUIL_PROCHE_KM, type Filtres } from './recherche.js';
import { GeocodageIndisponible, GeocodeurBan, SANS_GEOCODAGE, type Geocodeur } from './geocodage.js';
import { grilleVersOsm, osmVersGrille, OSM_DAYS } from './horaires.js';
import { normaliseRecord } from './legacy.js';
import { ENUMS, FIELDS, MULTI_FIELDS, PRISE_EN_CHARGE_SPECIFIQUE, PUBLICS_SPECIFIQUEMENT_ADRESSES, SERVICES, validateLieuV1, type Field, type LieuV1, type RawRecord } from './standard.js';
import { LieuPage, TrouverPage, type Issue, type RechercheForm } from './views/public.js';
import { LieuFormPage, LieuxGestionPage, type ConseillerChoix, type FormState } from './views/gestion.js';
import { CRENEAUX_CODES } from './views/creneaux.js';
import { registerLieuxOpenApi } from './openapi.js';
import { registerDoublonsRoutes } from './routes-doublons.js';
import { registerLieuxApiRoutes } from './routes-api.js';
import { registerImportRoutes } from './routes-import.js';
import { arr, str } from './requete.js';

const LEAFLET_DIR = fileURLToPath(new URL('../../node_modules/leaflet/dist/', import.meta.url));
const PAGE_SIZE = 20;
const MAX_PAGES = 10;

export interface LieuxOptions {
  /** Replaces the BAN client (tests). */
  geocodeur?: Geocodeur;
  /** Poll interval for other instances' writes (ms); 0 = none. */
  pollMs?: number;
}


function rechercheForm(q: Record<string, unknown>): RechercheForm {
  const pick = (name: string, allowed: readonly string[]) => arr(q[name]).filter((x) => allowed.includes(x));
  const itin = str(q.itinerance);
  return {
    q: str(q.q).slice(0, 200),
    commune: str(q.commune).toUpperCase().slice(0, 5),
    lat: str(q.lat).slice(0, 20),
    lon: str(q.lon).slice(0, 20),
    services: pick('services', SERVICES),
    publics: pick('publics', PUBLICS_SPECIFIQUEMENT_ADRESSES),
    pec: pick('pec', PRISE_EN_CHARGE_SPECIFIQUE),
    gratuit: str(q.gratuit) === '1',
    ouvert: str(q.ouvert) === '1',
    itinerance: itin === 'Fixe' || itin === 'Itinérant' ? itin : '',
  };
}

function filtresOf(f: RechercheForm): Filtres {
  return {
    services: f.services,
    publics: f.publics,
    priseEnCharge: f.pec,
    gratuit: f.gratuit,
    ouvert: f.ouvert,
    ...(f.itinerance ? { itinerance: f.itinerance as 'Fixe' | 'Itinérant' } : {}),
  };
}

/** No commune name is longer than this (45 characters): longer prefixes cannot match anything more. */
const SUGGESTION_MAX = 48;

/**
 * Suggestions for a name that matches nothing: the longest prefix of it that matches something.
 * Matching is monotonic (a prefix of a matching prefix matches too), so the length is found by
 * binary search over at most SUGGESTION_MAX characters: a handful of searches, whatever the query.
 */
export function suggestions(q: string): Commune[] {
  const n = normaliseName(q).slice(0, SUGGESTION_MAX + 1);
  let lo = 3;
  let hi = n.length - 1;
  let best: Commune[] = [];
  while (lo <= hi) {
    const len = (lo + hi) >> 1;
    const found = searchCommunes(n.slice(0, len), 5);
    if (found.length) {
      best = found;
      lo = len + 1;
    } else hi = len - 1;
  }
  return best;
}

export function registerLieuxRoutes(app: FastifyInstance, deps: AppDeps, opts: LieuxOptions = {}): void {
  const { db, config } = deps;
  const moteur = new MoteurLieux(db, { pollMs: opts.pollMs ?? 5_000 });
  app.addHook('onClose', async () => moteur.close());
  const geocodeur: Geocodeur = opts.geocodeur ?? (config.banUrl ? new GeocodeurBan(config.banUrl) : SANS_GEOCODAGE);
  const geocodageActif = !!opts.geocodeur || !!config.banUrl;
  registerLieuxOpenApi();

  /** Where to search from, for a commune: its centre, or the middle of its places when the centre is only approximate. */
  async function origineCommune(c: Commune): Promise<{ lat: number; lng: number; approx: boolean }> {
    if (!c.centreApproximatif) return { lat: c.lat, lng: c.lng, approx: false };
    const located = (await moteur.ofCommune(c.insee)).filter((l) => l.latitude !== null && l.longitude !== null);
    if (!located.length) return { lat: c.lat, lng: c.lng, approx: true };
    return {
      lat: located.reduce((s, l) => s + l.latitude!, 0) / located.length,
      lng: located.reduce((s, l) => s + l.longitude!, 0) / located.length,
      approx: false,
    };
  }

  type Origine = { kind: 'point'; lat: number; lng: number; label: string; approx: boolean; choix: Commune[]; commune?: Commune } | Exclude<Issue, { kind: 'resultats' }>;

  async function resoudre(f: RechercheForm): Promise<Origine> {
    if (f.lat && f.lon) {
      const lat = Number(f.lat);
      const lng = Number(f.lon);
      if (Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) return { kind: 'point', lat, lng, label: 'votre position', approx: false, choix: [] };
      return { kind: 'inconnu', suggestions: [], motif: 'Position invalide' };
    }
    if (f.commune) {
      const c = communeByInsee(f.commune);
      if (c) return { kind: 'point', ...(await origineCommune(c)), label: c.nom, choix: [], commune: c };
    }
    const q = f.q.replace(/\s*\(.*\)\s*$/, '').trim();
    if (!q) return { kind: 'vide' };
    if (/^\d{5}$/.test(q)) {
      const communes = searchCommunes(q, 50);
      if (!communes.length) return { kind: 'inconnu', suggestions: [], motif: `Aucune commune n'a le code postal ${q}` };
      // Several communes share a postcode: search around the most populous one that has places, and offer the choice.
      let best = communes[0]!;
      for (const c of communes) if ((await moteur.ofCommune(c.insee)).length) { best = c; break; }
      return { kind: 'point', ...(await origineCommune(best)), label: communes.length > 1 ? `${q} (${best.nom})` : `${best.nom} (${q})`, choix: communes, commune: best };
    }
    const found = searchCommunes(q, 10);
    const n = normaliseName(q);
    const exact = found.filter((c) => normaliseName(c.nom) === n);
    if (exact.length === 1 || (found.length === 1 && !/\d/.test(q))) {
      const c = exact[0] ?? found[0]!;
      return { kind: 'point', ...(await origineCommune(c)), label: c.nom, choix: [], commune: c };
    }
    if (exact.length > 1) return { kind: 'choix', communes: exact };
    // An address, or a name matching nothing exactly: ask the address API.
    if (geocodageActif && (/\d/.test(q) || !found.length)) {
      try {
        const [a] = await geocodeur.rechercher(q, { limit: 1 });
        if (a && a.score >= 0.4) return { kind: 'point', lat: a.lat, lng: a.lng, label: a.label, approx: false, choix: [] };
      } catch (e) {
        if (!(e instanceof GeocodageIndisponible)) throw e;
      }
    }
    if (found.length) return { kind: 'choix', communes: found };
    return { kind: 'inconnu', suggestions: suggestions(q) };
  }

  // ------------------------------------------------------------------ public finder

  app.get('/trouver', { config: { access: 'public' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const f = rechercheForm(query);
    const n = Number(str(query.page));
    const page = Number.isInteger(n) && n >= 1 && n <= MAX_PAGES ? n : 1;
    const now = new Date();
    const o = await resoudre(f);
    let issue: Issue;
    if (o.kind === 'point') {
      const filtres = filtresOf(f);
      const found = await moteur.nearest(o.lat, o.lng, filtres, page * PAGE_SIZE + 1, undefined, now);
      const proches = await moteur.compter(o.lat, o.lng, filtres, SEUIL_PROCHE_KM, COMPTE_MAX, now);
      // Nothing near with filters: say which filter emptied the list (one link each) and, for « open now », the next opening.
      const actifs = proches ? [] : filtresActifs(filtres);
      const pistes = [];
      for (const cle of actifs) pistes.push({ cle, compte: await moteur.compter(o.lat, o.lng, sansFiltre(filtres, cle), SEUIL_PROCHE_KM, COMPTE_MAX, now) });
      issue = {
        kind: 'resultats',
        origine: o.label,
        approx: o.approx,
        resultats: found.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
        page,
        hasNext: found.length > page * PAGE_SIZE && page < MAX_PAGES,
        choix: o.choix,
        proches,
        pistes,
        prochaine: !proches && f.ouvert ? await moteur.prochaineOuverture(o.lat, o.lng, filtres, now) : null,
      };
    } else issue = o;
    const carte = config.mapTilesUrl ? { tiles: config.mapTilesUrl, attribution: config.mapAttribution } : null;
    // A "did you mean" page is a normal answer (200); only a query with nothing to suggest stays a 404.
    const status = issue.kind === 'inconnu' && !issue.suggestions.length ? 404 : 200;
    return reply.html(TrouverPage({ ctx: request.ctx(), f, issue, carte, now }), status);
  });

  app.get('/lieux/:id', { config: { access: 'public' } }, async (request, reply) => {
    const l = await getLieu(db, (request.params as { id: string }).id);
    if (!l) return notFound(request, reply);
    const canEdit = !!request.user && can(request.user, 'lieux:gerer', await lieuResource(db, l));
    if (!l.public && !canEdit) return notFound(request, reply);
    return reply.html(
      LieuPage({ ctx: request.ctx(), l: toV1(l), publicUrl: config.publicUrl, conseillers: await permanencesOf(db, l.id), canEdit, visible: l.public, now: new Date() }),
    );
  });

  // Leaflet, for the lazily loaded map island (under /static/: public, cached).
  void app.register(fastifyStatic, {
    root: LEAFLET_DIR,
    prefix: '/static/leaflet/',
    maxAge: '7d',
    decorateReply: false,
    allowedPath: (path) => !path.endsWith('.map'),
  });

  registerLieuxApiRoutes(app, moteur, origineCommune);

  // ------------------------------------------------------------------ management

  app.get('/lieux', { config: { access: 'lieux:gerer' } }, async (request, reply) => {
    const query = request.query as { q?: string; page?: string };
    const q = (typeof query.q === 'string' ? query.q : '').slice(0, 100);
    const n = Number(query.page);
    const page = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const { rows, total } = await listLieuxGestion(db, request.user!, { q, limit: 51, offset: (page - 1) * 50 });
    return reply.html(LieuxGestionPage({ ctx: request.ctx(), rows: rows.slice(0, 50), total, q, page, hasNext: rows.length > 50, canImport: can(request.user, 'lieux:importer') }));
  });

  /** Structures a user may attach a new place to (admins type a SIRET instead). */
  async function structuresOf(user: Principal): Promise<{ id: string; nom: string }[]> {
    const ids = [...new Set(user.roles.filter((g) => (g.role === 'structure' || g.role === 'conseiller') && g.structureId).map((g) => g.structureId!))];
    const out = [];
    for (const id of ids) {
      const s = await getStructure(db, id);
      if (s) out.push({ id: s.id, nom: s.nom });
    }
    return out;
  }

  async function conseillersFor(structureId: string | null, current: Permanence[]): Promise<ConseillerChoix[]> {
    const list = structureId ? await usersWithRoleInStructures(db, 'conseiller', [structureId]) : [];
    const out = list.map((u) => ({ id: u.id, nom: `${u.firstName} ${u.lastName}` }));
    for (const p of current) if (!out.some((c) => c.id === p.userId)) out.push({ id: p.userId, nom: 'Conseiller d’une autre structure' });
    return out;
  }

  function stateOf(l: LieuRow, permanences: Permanence[], structureSiret: string): FormState {
    const v = toV1(l);
    const s: FormState = {};
    for (const f of FIELDS) {
      const x = v[f];
      s[f] = Array.isArray(x) ? ((ENUMS as Record<string, unknown>)[f] ? x : x.join('\n')) : x === null ? '' : String(x);
    }
    const g = osmVersGrille(l.horaires);
    OSM_DAYS.forEach((d, i) => (s[`horaires_${d}`] = g.jours[i]));
    s.horaires_exceptions = g.exceptions;
    s.public = l.public ? '1' : '';
    s.structure_id = l.structureId ?? '';
    s.structure_siret = structureSiret;
    for (const p of permanences) s[`creneaux_${p.userId}`] = p.creneaux;
    return s;
  }

  function bodyState(request: FastifyRequest): FormState {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const s: FormState = {};
    for (const [k, v] of Object.entries(body)) {
      if (k === '_csrf') continue;
      s[k] = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.trim() : undefined;
    }
    return s;
  }

  interface Lu {
    v: LieuV1 | null;
    errors: Record<string, string>;
    structureId: string | null;
    public: boolean;
    permanences: Permanence[];
  }

  /** Reads the form: hours from the grid, structure, permanences; normalises and validates the place. */
  async function lireFormulaire(user: Principal, s: FormState, existing: LieuRow | undefined): Promise<Lu> {
    const one = (k: string) => {
      const v = s[k];
      return (Array.isArray(v) ? v[v.length - 1] : v) ?? '';
    };
    const errors: Record<string, string> = {};
    const h = grilleVersOsm({ jours: OSM_DAYS.map((d) => one(`horaires_${d}`)), exceptions: one('horaires_exceptions') });
    Object.assign(errors, h.erreurs);
    const raw: RawRecord = {};
    for (const f of FIELDS) {
      if ((MULTI_FIELDS as readonly string[]).includes(f)) {
        const v = s[f];
        raw[f] = (ENUMS as Record<string, unknown>)[f] ? (Array.isArray(v) ? v : v ? [v] : []).join('|') : one(f).split(/\s*[\n|]\s*/).filter(Boolean).join('|');
      } else raw[f] = one(f);
    }
    raw.id = existing?.id ?? '00000000-0000-0000-0000-000000000000';
    raw.horaires = h.value;
    raw.date_maj = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    raw.latitude = raw.latitude?.replace(',', '.');
    raw.longitude = raw.longitude?.replace(',', '.');
    const typedPhone = raw.telephone;
    normaliseRecord(raw);
    if (typedPhone && !raw.telephone) errors.telephone = 'Saisissez un numéro de téléphone complet, par exemple 03 87 00 00 00.';
    const check = validateLieuV1(raw);
    if (!check.ok) for (const p of check.problems) errors[p.field] ??= p.reason.charAt(0).toUpperCase() + p.reason.slice(1) + '.';
    if (check.ok && !check.value.code_insee) errors.commune = 'Commune introuvable pour ce code postal : vérifiez le nom de la commune et le code postal.';
    // The owning structure.
    let structureId: string | null = existing?.structureId ?? null;
    if (hasRole(user, 'admin')) {
      const siret = one('structure_siret');
      if (siret) {
        const st = await findStructureBySiret(db, siret);
        if (!st) errors.structure_siret = 'Aucune structure avec ce SIRET sur la plateforme.';
        else structureId = st.id;
      } else structureId = null;
    } else if (!existing) {
      const mine = await structuresOf(user);
      structureId = mine.find((x) => x.id === one('structure_id'))?.id ?? mine[0]?.id ?? null;
      if (!structureId) errors.nom = 'Votre compte n’est rattaché à aucune structure.';
    }
    // Permanences: the conseillers offered in the form, with their half-days.
    const offered = arr(s.conseillers);
    const permanences: Permanence[] = offered.map((id) => ({ userId: id, creneaux: arr(s[`creneaux_${id}`]).filter((c) => CRENEAUX_CODES.has(c)) }));
    const allowed = new Set((await conseillersFor(structureId, existing ? await permanencesOf(db, existing.id) : [])).map((c) => c.id));
    const kept = permanences.filter((p) => allowed.has(p.userId));
    // A conseiller who creates a place works there.
    if (!existing && hasRole(user, 'conseiller') && !kept.some((p) => p.userId === user.id)) kept.push({ userId: user.id, creneaux: [] });
    return { v: check.ok ? check.value : null, errors, structureId, public: one('public') === '1', permanences: kept };
  }

  async function geocoder(s: FormState): Promise<{ info?: string; error?: string }> {
    const one = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : '');
    const q = [one('adresse'), one('code_postal'), one('commune')].filter(Boolean).join(' ');
    if (!q.trim()) return { error: "Saisissez l'adresse, le code postal et la commune." };
    try {
      const [a] = await geocodeur.rechercher(q, { limit: 1, ...(/^\d{5}$/.test(one('code_postal')) ? { codePostal: one('code_postal') } : {}) });
      if (!a || a.score < 0.5) return { error: "Adresse introuvable dans la Base Adresse Nationale : vérifiez-la, ou saisissez la latitude et la longitude." };
      s.latitude = String(a.lat);
      s.longitude = String(a.lng);
      if (a.commune && !one('commune')) s.commune = a.commune;
      return { info: `Adresse trouvée : ${a.label} (${a.lat.toFixed(5)}, ${a.lng.toFixed(5)}).` };
    } catch (e) {
      if (!(e instanceof GeocodageIndisponible)) throw e;
      return { error: `${e.message} Saisissez la latitude et la longitude.` };
    }
  }

  async function formPage(request: FastifyRequest, reply: FastifyReply, p: { existing?: LieuRow; state: FormState; errors?: Record<string, string>; doublons?: LieuRow[]; doublonsMasques?: number; info?: string; status?: number }) {
    const user = request.user!;
    const structures = await structuresOf(user);
    const structureId = p.existing ? p.existing.structureId : (typeof p.state.structure_id === 'string' && isUuid(p.state.structure_id) && p.state.structure_id) || structures[0]?.id || null;
    const current = p.existing ? await permanencesOf(db, p.existing.id) : [];
    return reply.html(
      LieuFormPage({
        ctx: request.ctx(),
        ...(p.existing ? { id: p.existing.id } : {}),
        state: p.state,
        ...(p.errors ? { errors: p.errors } : {}),
        structures,
        adminStructure: hasRole(user, 'admin'),
        conseillers: await conseillersFor(structureId, current),
        ...(p.doublons ? { doublons: p.doublons.map((d) => ({ id: d.id, nom: d.nom, adresse: `${d.adresse}, ${d.codePostal} ${d.commune}` })) } : {}),
        ...(p.doublonsMasques ? { doublonsMasques: p.doublonsMasques } : {}),
        geocodage: geocodageActif,
        ...(p.info ? { info: p.info } : {}),
      }),
      p.status ?? 200,
    );
  }

  async function handleSubmit(request: FastifyRequest, reply: FastifyReply, existing: LieuRow | undefined) {
    const user = request.user!;
    const s = bodyState(request);
    if (s.action === 'geocoder') {
      const g = await geocoder(s);
      return formPage(request, reply, { ...(existing ? { existing } : {}), state: s, ...(g.error ? { errors: { latitude: g.error } } : {}), ...(g.info ? { info: g.info } : {}), status: g.error ? 400 : 200 });
    }
    // No coordinates typed: geocode the address first (manual latitude/longitude otherwise).
    if (!(typeof s.latitude === 'string' && s.latitude) && !(typeof s.longitude === 'string' && s.longitude) && geocodageActif) {
      const g = await geocoder(s);
      if (g.error) return formPage(request, reply, { ...(existing ? { existing } : {}), state: s, errors: { latitude: g.error }, status: 400 });
    }
    const r = await lireFormulaire(user, s, existing);
    if (!r.v || Object.keys(r.errors).length) return formPage(request, reply, { ...(existing ? { existing } : {}), state: s, errors: r.errors, status: 400 });
    if (r.v.latitude === null) {
      return formPage(request, reply, { ...(existing ? { existing } : {}), state: s, errors: { latitude: 'Saisissez la latitude et la longitude du lieu (ou une adresse que la Base Adresse Nationale reconnaît).' }, status: 400 });
    }
    if (!existing && s.confirmer_doublon !== '1') {
      const doublons = await doublonsPossibles(db, r.v);
      if (doublons.length) {
        // Only what the user may see anyway (a public place, or one they manage) is named; of
        // the others, only that they exist.
        const visibles: LieuRow[] = [];
        for (const d of doublons) if (d.public || can(user, 'lieux:gerer', await lieuResource(db, d))) visibles.push(d);
        return formPage(request, reply, { state: s, doublons: visibles, doublonsMasques: doublons.length - visibles.length, status: 409 });
      }
    }
    const input = { v: r.v, structureId: r.structureId, public: r.public, permanences: r.permanences };
    if (existing) {
      await updateLieu(db, actorOf(request), existing.id, input);
      return reply.flash('Les modifications sont enregistrées.').redirect(`/lieux/${existing.id}`, 303);
    }
    const l = await createLieu(db, actorOf(request), input);
    return reply.flash(`Le lieu « ${l.nom} » a été créé.`).redirect(`/lieux/${l.id}`, 303);
  }

  app.get('/lieux/nouveau', { config: { access: 'lieux:gerer' } }, async (request, reply) => {
    return formPage(request, reply, { state: { public: '1', frais_a_charge: ['Gratuit'], itinerance: ['Fixe'] } });
  });

  app.post('/lieux/nouveau', { config: { access: 'lieux:gerer' } }, async (request, reply) => handleSubmit(request, reply, undefined));

  async function loadEditable(request: FastifyRequest, reply: FastifyReply): Promise<LieuRow | undefined> {
    const l = await getLieu(db, (request.params as { id: string }).id);
    if (!l) {
      notFound(request, reply);
      return undefined;
    }
    if (!can(request.user, 'lieux:gerer', await lieuResource(db, l))) {
      forbidden(request, reply);
      return undefined;
    }
    return l;
  }

  app.get('/lieux/:id/modifier', { config: { access: 'lieux:gerer' } }, async (request, reply) => {
    const l = await loadEditable(request, reply);
    if (!l) return reply;
    const siret = l.structureId ? ((await getStructure(db, l.structureId))?.siret ?? '') : '';
    return formPage(request, reply, { existing: l, state: stateOf(l, await permanencesOf(db, l.id), siret) });
  });

  app.post('/lieux/:id/modifier', { config: { access: 'lieux:gerer' } }, async (request, reply) => {
    const l = await loadEditable(request, reply);
    if (!l) return reply;
    return handleSubmit(request, reply, l);
  });

  // The import (administrators), multipart in its own scope (routes-import.ts).
  registerImportRoutes(app, deps);

  // The review list of likely duplicates held at import (routes-doublons.ts).
  registerDoublonsRoutes(app, deps);

  app.decorate('moteurLieux', moteur);
}

declare module 'fastify' {
  interface FastifyInstance {
    moteurLieux?: MoteurLieux;
  }
}

export type { Field };
