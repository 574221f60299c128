/**
 * Coordination activities (domain §2): the pure validation, then the page as a coordinator meets it —
 * create, list, figures of the last twelve months, French errors next to the fields, deletion — and
 * isolation: a conseiller is refused, another coordinator neither sees nor deletes someone else's records.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { parisCalendarDate } from '../platform/paris.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { hashPassword } from '../comptes/passwords.js';
import { createUser, findUserByEmail } from '../comptes/users.js';
import { findStructureBySiret } from '../structures/structures.js';
import { DEMO_STRUCTURES, demoSiret } from '../demo/seed.js';
import { debutDouzeMois, validerCoordination, type SaisieCoordination } from './coordination.js';
import { formatDuree } from './views/coordination.js';

const TODAY = '2025-06-15';
const ok = (over: SaisieCoordination = {}): SaisieCoordination => ({
  type: 'animation',
  date: '2025-06-10',
  duree_minutes: '90',
  titre: "Réunion mensuelle de l'équipe",
  partenaire: '',
  participants: '',
  notes: '',
  ...over,
});
const errorsOf = (over: SaisieCoordination, today = TODAY) => {
  const v = validerCoordination(ok(over), today);
  if (v.ok) throw new Error(`accepted: ${JSON.stringify(over)}`);
  return v.errors;
};

describe('validation', () => {
  it('accepts a complete activity and normalises it', () => {
    expect(validerCoordination(ok({ titre: '  Réunion  ', notes: ' ligne 1\r\nligne 2 ' }), TODAY)).toEqual({
      ok: true,
      value: { type: 'animation', date: '2025-06-10', dureeMinutes: 90, titre: 'Réunion', partenaire: null, participants: null, notes: 'ligne 1\nligne 2' },
    });
    const p = validerCoordination(ok({ type: 'partenariat', partenaire: 'Médiathèque de Metz', participants: '0', date: '15/06/2025', duree_minutes: '1440' }), TODAY);
    expect(p).toMatchObject({ ok: true, value: { type: 'partenariat', partenaire: 'Médiathèque de Metz', participants: 0, date: TODAY, dureeMinutes: 1440 } });
    expect(validerCoordination(ok({ type: 'evenement', date: '2020-01-01', duree_minutes: '1', participants: '10000' }), TODAY).ok).toBe(true);
    // A partner is optional for an animation or an event, and kept when given.
    expect(validerCoordination(ok({ type: 'evenement', partenaire: 'France Services' }), TODAY)).toMatchObject({ ok: true, value: { partenaire: 'France Services' } });
  });

  it('gives a French message for the type', () => {
    const msg = "Choisissez le type d'activité : animation d'équipe, événement ou partenariat.";
    expect(errorsOf({ type: '' }).type).toBe(msg);
    expect(errorsOf({ type: 'atelier' }).type).toBe(msg);
    expect(errorsOf({ type: 'toString' }).type).toBe(msg);
  });

  it('wants a real date, not in the future, not before 2020', () => {
    expect(errorsOf({ date: '' }).date).toBe("Indiquez la date de l'activité, par exemple 15/03/2025.");
    expect(errorsOf({ date: '2025-02-30' }).date).toMatch(/^La date n'existe pas/);
    expect(errorsOf({ date: '31/04/2025' }).date).toMatch(/^La date n'existe pas/);
    expect(errorsOf({ date: 'hier' }).date).toMatch(/^La date n'existe pas/);
    expect(errorsOf({ date: '2025-06-16' }).date).toBe('La date ne peut pas être dans le futur : indiquez une activité qui a eu lieu, au plus tard le 15/06/2025.');
    expect(errorsOf({ date: '2019-12-31' }).date).toBe('La date doit être le 01/01/2020 ou après.');
    // The Paris calendar date decides: shortly after midnight in Paris, it is already the next day.
    const parisMidnight = parisCalendarDate(new Date('2025-06-15T22:30:00Z'));
    expect(parisMidnight).toBe('2025-06-16');
    expect(validerCoordination(ok({ date: '2025-06-16' }), parisMidnight).ok).toBe(true);
  });

  it('wants a duration of 1 to 1,440 whole minutes', () => {
    expect(errorsOf({ duree_minutes: '' }).duree_minutes).toBe("Indiquez la durée de l'activité en minutes.");
    const msg = 'La durée doit être un nombre entier de minutes, entre 1 et 1 440 (24 heures).';
    for (const d of ['0', '1441', '1.5', '-30', 'deux heures', '1e2']) expect(errorsOf({ duree_minutes: d }).duree_minutes!.replace(/\s/g, ' ')).toBe(msg);
  });

  it('wants a title of at most 150 characters', () => {
    expect(errorsOf({ titre: '   ' }).titre).toBe("Indiquez le titre de l'activité.");
    expect(errorsOf({ titre: 'x'.repeat(151) }).titre).toBe('Le titre doit contenir au plus 150 caractères (151 saisis).');
    expect(validerCoordination(ok({ titre: 'x'.repeat(150) }), TODAY).ok).toBe(true);
  });

  it('wants the partner of a partnership, at most 200 characters', () => {
    expect(errorsOf({ type: 'partenariat', partenaire: '' }).partenaire).toBe('Indiquez le partenaire : il est obligatoire pour un partenariat.');
    expect(errorsOf({ type: 'evenement', partenaire: 'p'.repeat(201) }).partenaire).toBe('Le nom du partenaire doit contenir au plus 200 caractères (201 saisis).');
  });

  it('wants participants as a whole number from 0 to 10,000, when given', () => {
    const msg = 'Le nombre de participants doit être un nombre entier entre 0 et 10 000.';
    for (const n of ['-1', '10001', '2.5', 'douze']) expect(errorsOf({ participants: n }).participants!.replace(/\s/g, ' ')).toBe(msg);
  });

  it('wants notes of at most 1,000 characters (a line break counts once)', () => {
    expect(errorsOf({ notes: 'n'.repeat(1001) }).notes!.replace(/\s/g, ' ')).toBe('Les notes doivent contenir au plus 1 000 caractères (1 001 saisis).');
    expect(validerCoordination(ok({ notes: 'n'.repeat(500) + '\r\n' + 'n'.repeat(499) }), TODAY).ok).toBe(true);
  });

  it('reports every field at once', () => {
    expect(Object.keys(errorsOf({ type: '', date: '', duree_minutes: '', titre: '' })).sort()).toEqual(['date', 'duree_minutes', 'titre', 'type']);
    const none = validerCoordination({}, TODAY);
    expect(none.ok ? [] : Object.keys(none.errors).sort()).toEqual(['date', 'duree_minutes', 'titre', 'type']);
  });

  it('counts twelve months back, both ends included', () => {
    expect(debutDouzeMois('2025-06-15')).toBe('2024-06-16');
    expect(debutDouzeMois('2025-01-01')).toBe('2024-01-02');
    expect(debutDouzeMois('2025-12-31')).toBe('2025-01-01');
    expect(debutDouzeMois('2024-02-29')).toBe('2023-03-01');
    expect(debutDouzeMois('2025-02-28')).toBe('2024-02-29');
  });

  it('shows durations in hours and minutes', () => {
    expect(formatDuree(45)).toBe('45 min');
    expect(formatDuree(120)).toBe('2 h');
    expect(formatDuree(90)).toBe('1 h 30');
    expect(formatDuree(65)).toBe('1 h 05');
  });
});

// ——— Through HTTP ———

let t: TestContext;
let karim: TestClient;
let zoe: TestClient;
let conseiller: TestClient;
let karimId = '';
let zoeId = '';
const ZOE = 'zoe.coordination@demo.test';
const ZOE_PASSWORD = 'mot-de-passe-de-zoe-2025';

/** The Paris calendar date `n` days before today. */
const daysAgo = (n: number) => {
  const d = new Date(`${parisCalendarDate()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
};
const fr = (d: string) => d.split('-').reverse().join('/');
/** The figure shown above a tile's label. */
const stat = (html: string, label: string) => {
  const m = new RegExp(`<p class="cn-stat">([^<]*)</p><p class="fr-tile__detail">${label}</p>`).exec(html);
  return m?.[1]?.replace(/\s/g, ' ');
};
const rowsOf = async (coordinateurId: string) =>
  t.database.query<{ id: string; titre: string }>('select id, titre from recrutement_coordination where coordinateur_id = $1 order by date desc, created_at desc', [coordinateurId]);
const form = (over: Record<string, string> = {}) => ({
  type: 'animation',
  date: daysAgo(1),
  duree_minutes: '90',
  titre: "Réunion mensuelle de l'équipe",
  partenaire: '',
  participants: '8',
  notes: '',
  ...over,
});

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  karimId = (await findUserByEmail(db, 'coordinateur@demo.test'))!.id;
  const metz = (await findStructureBySiret(db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === 'metz'))))!;
  zoeId = (
    await createUser(db, SYSTEM_ACTOR, {
      email: ZOE,
      firstName: 'Zoé',
      lastName: 'Coordinatrice',
      passwordHash: await hashPassword(ZOE_PASSWORD),
      roles: [{ role: 'coordinateur', departement: null, structureId: metz.id }],
    })
  ).id;
  karim = new TestClient(t.app);
  await karim.login('coordinateur@demo.test');
  zoe = new TestClient(t.app);
  await zoe.login(ZOE, ZOE_PASSWORD);
  conseiller = new TestClient(t.app);
  await conseiller.login('conseiller@demo.test');
});
afterAll(async () => t.close());

describe('the coordination page', () => {
  it('is for coordinators: a conseiller is refused, a visitor is sent to sign in', async () => {
    expect((await conseiller.get('/coordination')).statusCode).toBe(403);
    expect((await conseiller.post('/coordination', form())).statusCode).toBe(403);
    expect((await conseiller.post(`/coordination/${randomUUID()}/supprimer`)).statusCode).toBe(403);
    const anon = await new TestClient(t.app).get('/coordination');
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toBe('/connexion?retour=%2Fcoordination');
  });

  it('shows the figures, the form (works without JavaScript) and an empty list at first', async () => {
    const r = await karim.get('/coordination');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('<h1>Activités de coordination</h1>');
    expect(r.body).toContain('<form method="post" action="/coordination"');
    expect(r.body).toContain('name="_csrf"');
    expect(r.body).toMatch(/<fieldset class="fr-fieldset" aria-labelledby="legende-type"><legend[^>]*id="legende-type">Type d'activité<\/legend>/);
    for (const v of ['animation', 'evenement', 'partenariat']) expect(r.body).toContain(`name="type" value="${v}"`);
    expect(r.body).toContain("Animation d'équipe");
    expect(r.body).toContain('Événement');
    expect(r.body).toContain('Partenariat');
    expect(r.body).toContain(`value="${parisCalendarDate()}"`); // the date defaults to today
    expect(r.body).toContain('Aucune activité de coordination pour le moment');
    expect(stat(r.body, 'Durée totale')).toBe('0 min');
    expect(r.body).toContain(`Du ${fr(debutDouzeMois(parisCalendarDate()))} au ${fr(parisCalendarDate())} : 0 activité.`);
  });

  it('creates activities, lists them latest first, and counts the last twelve months', async () => {
    await karim.get('/coordination');
    const created = await karim.post('/coordination', form());
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/coordination');
    expect((await karim.post('/coordination', form({ type: 'partenariat', titre: 'Convention avec la médiathèque', partenaire: 'Médiathèque Verlaine', date: parisCalendarDate(), duree_minutes: '45', participants: '', notes: 'Signature prévue\r\nen septembre' }))).statusCode).toBe(303);
    expect((await karim.post('/coordination', form({ type: 'evenement', titre: 'Salon du numérique', date: daysAgo(30), duree_minutes: '240', participants: '150' }))).statusCode).toBe(303);
    // More than twelve months ago: listed, not counted.
    expect((await karim.post('/coordination', form({ type: 'evenement', titre: 'Forum ancien', date: daysAgo(400), duree_minutes: '600' }))).statusCode).toBe(303);

    const r = await karim.get('/coordination');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('est enregistrée'); // the flash message of the last creation
    const titles = [...r.body.matchAll(/<td>([^<]+)(?:<p|<\/td>)/g)].map((m) => m[1]).filter((x) => /Réunion|Convention|Salon|Forum/.test(x!));
    expect(titles).toEqual(['Convention avec la médiathèque', "Réunion mensuelle de l'équipe", 'Salon du numérique', 'Forum ancien']);
    expect(r.body).toContain(`<td>${fr(parisCalendarDate())}</td>`);
    expect(r.body).toContain('Médiathèque Verlaine');
    expect(r.body).toContain('Signature prévue<br/>en septembre');
    expect(r.body).toContain('<td>4 h</td>');
    expect(r.body).toContain('<td>1 h 30</td>');
    expect(stat(r.body, "Animations d'équipe")).toBe('1');
    expect(stat(r.body, 'Événements')).toBe('1');
    expect(stat(r.body, 'Partenariats')).toBe('1');
    expect(stat(r.body, 'Durée totale')).toBe('6 h 15'); // 90 + 45 + 240 minutes; the old forum is left out
    expect(r.body).toContain(': 3 activités.');
    expect(r.body).toContain('4 activités, de la plus récente à la plus ancienne');

    const rows = await t.database.query<{ type: string; duree_minutes: number; participants: number | null; partenaire: string | null; notes: string | null }>(
      `select type, duree_minutes, participants, partenaire, notes from recrutement_coordination where coordinateur_id = $1 and titre = 'Convention avec la médiathèque'`,
      [karimId],
    );
    expect(rows).toEqual([{ type: 'partenariat', duree_minutes: 45, participants: null, partenaire: 'Médiathèque Verlaine', notes: 'Signature prévue\nen septembre' }]);
    const audit = await t.database.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'recrutement.coordination_ajoutee' and actor_user_id = $1`, [karimId]);
    expect(audit[0]!.n).toBe(4);
  });

  const bad: [string, Record<string, string>, string, RegExp][] = [
    ['no type', { type: '' }, 'type', /Choisissez le type d'activité : animation d'équipe, événement ou partenariat\./],
    ['an unknown type', { type: 'atelier' }, 'type', /Choisissez le type d'activité/],
    ['no date', { date: '' }, 'date', /Indiquez la date de l'activité, par exemple 15\/03\/2025\./],
    ['an impossible date', { date: '2025-02-30' }, 'date', /La date n'existe pas : saisissez-la au format JJ\/MM\/AAAA/],
    ['a future date', { date: daysAgo(-1) }, 'date', /La date ne peut pas être dans le futur/],
    ['a date before 2020', { date: '2019-12-31' }, 'date', /La date doit être le 01\/01\/2020 ou après\./],
    ['no duration', { duree_minutes: '' }, 'duree_minutes', /Indiquez la durée de l'activité en minutes\./],
    ['a zero duration', { duree_minutes: '0' }, 'duree_minutes', /La durée doit être un nombre entier de minutes, entre 1 et 1\s440 \(24 heures\)\./],
    ['too long a duration', { duree_minutes: '1441' }, 'duree_minutes', /La durée doit être un nombre entier de minutes/],
    ['a fractional duration', { duree_minutes: '12.5' }, 'duree_minutes', /La durée doit être un nombre entier de minutes/],
    ['no title', { titre: '' }, 'titre', /Indiquez le titre de l'activité\./],
    ['too long a title', { titre: 't'.repeat(151) }, 'titre', /Le titre doit contenir au plus 150 caractères \(151 saisis\)\./],
    ['a partnership without partner', { type: 'partenariat', partenaire: '' }, 'partenaire', /Indiquez le partenaire : il est obligatoire pour un partenariat\./],
    ['too long a partner', { partenaire: 'p'.repeat(201) }, 'partenaire', /Le nom du partenaire doit contenir au plus 200 caractères \(201 saisis\)\./],
    ['negative participants', { participants: '-3' }, 'participants', /Le nombre de participants doit être un nombre entier entre 0 et 10\s000\./],
    ['too many participants', { participants: '10001' }, 'participants', /Le nombre de participants doit être un nombre entier entre 0 et 10\s000\./],
    ['fractional participants', { participants: '2.5' }, 'participants', /Le nombre de participants doit être un nombre entier/],
    ['too long notes', { notes: 'n'.repeat(1001) }, 'notes', /Les notes doivent contenir au plus 1\s000 caractères \(1\s001 saisis\)\./],
  ];
  for (const [what, over, field, message] of bad) {
    it(`refuses ${what} with a French message next to the field (400)`, async () => {
      const before = (await rowsOf(karimId)).length;
      await karim.get('/coordination');
      const r = await karim.post('/coordination', form(over));
      expect(r.statusCode).toBe(400);
      const fieldError = new RegExp(`<p class="[^"]*fr-error-text"[^>]*id="champ-${field}-erreur">([^<]*)</p>`).exec(r.body);
      expect(fieldError?.[1]).toMatch(message);
      expect(r.body).toContain('Le formulaire contient une erreur');
      expect(r.body).toContain(`href="#champ-${field}"`); // the summary links to the field
      expect(r.body).toMatch(new RegExp(`id="champ-${field}"[^>]*aria-describedby="[^"]*champ-${field}-erreur`));
      if (field === 'type') expect(r.body).toContain('class="fr-fieldset fr-fieldset--error"');
      else expect(r.body).toMatch(new RegExp(`id="champ-${field}"[^>]*aria-invalid="true"`));
      expect((await rowsOf(karimId)).length).toBe(before);
    });
  }

  it('keeps what was typed when the form comes back with errors', async () => {
    await karim.get('/coordination');
    const r = await karim.post('/coordination', form({ type: 'partenariat', partenaire: '', titre: 'Rencontre avec le CCAS', duree_minutes: '75', notes: 'À revoir' }));
    expect(r.statusCode).toBe(400);
    expect(r.body).toMatch(/name="type" value="partenariat" checked/);
    expect(r.body).toContain('value="Rencontre avec le CCAS"');
    expect(r.body).toContain('value="75"');
    expect(r.body).toContain('>À revoir</textarea>');
  });

  it('refuses a form without its CSRF token', async () => {
    expect((await karim.post('/coordination', { ...form(), _csrf: 'faux' })).statusCode).toBe(403);
  });
});

describe('each coordinator sees and deletes only their own', () => {
  it('hides the first coordinator’s records from another one', async () => {
    const r = await zoe.get('/coordination');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Aucune activité de coordination pour le moment');
    expect(r.body).not.toContain('Salon du numérique');
    expect(stat(r.body, 'Durée totale')).toBe('0 min');
    expect(stat(r.body, 'Événements')).toBe('0');
  });

  it('answers 404 to another coordinator deleting them, and to unknown ids', async () => {
    const [first] = await rowsOf(karimId);
    await zoe.get('/coordination');
    const r = await zoe.post(`/coordination/${first!.id}/supprimer`);
    expect(r.statusCode).toBe(404);
    expect(r.body).toContain('Page non trouvée');
    expect((await zoe.post(`/coordination/${first!.id.toUpperCase()}/supprimer`)).statusCode).toBe(404);
    expect((await rowsOf(karimId)).map((x) => x.id)).toContain(first!.id);
    await karim.get('/coordination');
    expect((await karim.post(`/coordination/${randomUUID()}/supprimer`)).statusCode).toBe(404);
    expect((await karim.post('/coordination/pas-un-identifiant/supprimer')).statusCode).toBe(404);
    expect((await karim.post("/coordination/1'%20or%201=1/supprimer")).statusCode).toBe(404);
  });

  it('lets a coordinator delete their own record, audited', async () => {
    const before = await rowsOf(karimId);
    const target = before.find((x) => x.titre === 'Forum ancien')!;
    await karim.get('/coordination');
    const r = await karim.post(`/coordination/${target.id}/supprimer`);
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/coordination');
    const after = await rowsOf(karimId);
    expect(after.map((x) => x.id)).not.toContain(target.id);
    expect(after).toHaveLength(before.length - 1);
    const page = await karim.get('/coordination');
    expect(page.body).toContain("L'activité de coordination est supprimée.");
    expect(page.body).not.toContain('Forum ancien');
    const audit = await t.database.query<{ summary: string }>(`select summary from audit_log where action = 'recrutement.coordination_supprimee' and object_id = $1`, [target.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.summary).toContain('Forum ancien');
    // Deleting again: it is gone.
    await karim.get('/coordination');
    expect((await karim.post(`/coordination/${target.id}/supprimer`)).statusCode).toBe(404);
  });

  it('lists the latest 100 of many', async () => {
    await t.database.query(
      `insert into recrutement_coordination (coordinateur_id, type, date, duree_minutes, titre)
       select $1, 'animation', $2::date - (g % 200), 30, 'Atelier n° ' || g from generate_series(1, 105) g`,
      [zoeId, parisCalendarDate()],
    );
    const r = await zoe.get('/coordination');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Les 100 plus récentes de vos 105 activités');
    expect([...r.body.matchAll(/\/supprimer"/g)]).toHaveLength(100);
    expect(r.body).not.toContain('Salon du numérique');
    expect(stat(r.body, "Animations d'équipe")).toBe('105');
  });
});
