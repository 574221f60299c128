import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { listOutbox } from '../platform/mail.js';
import { FREE_FAILURES_PER_CLIENT } from './login.js';
import { listAudit } from '../audit/audit.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('sign-in', () => {
  it('signs a demo account in and lands on its dashboard', async () => {
    const c = new TestClient(t.app);
    const res = await c.login('conseiller@demo.test');
    expect(res.headers.location).toBe('/tableau-de-bord');
    const dash = await c.get('/tableau-de-bord');
    expect(dash.headers.location).toBe('/tableau-de-bord/conseiller');
    const page = await c.get('/tableau-de-bord/conseiller');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ville de Metz');
    const cookie = (await t.app.inject({ url: '/connexion' })).cookies;
    expect(cookie.every((k) => k.httpOnly)).toBe(true);
  });

  it('matches the e-mail case-insensitively', async () => {
    const c = new TestClient(t.app);
    await c.login('Admin@Demo.TEST');
    expect((await c.get('/tableau-de-bord/admin')).statusCode).toBe(200);
  });

  it('answers the same for an unknown e-mail and a wrong password, keeping what was typed', async () => {
    const c = new TestClient(t.app);
    await c.get('/connexion');
    const unknown = await c.post('/connexion', { email: 'personne@nulle-part.fr', password: 'nimportequoi123' });
    const wrong = await c.post('/connexion', { email: 'banque@demo.test', password: 'mauvais-mot-de-passe' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.body).toContain('Adresse électronique ou mot de passe incorrect.');
    expect(wrong.body).toContain('Adresse électronique ou mot de passe incorrect.');
    expect(wrong.body).toContain('value="banque@demo.test"');
  });

  it('reports an invalid e-mail next to the field with a 400', async () => {
    const c = new TestClient(t.app);
    await c.get('/connexion');
    const res = await c.post('/connexion', { email: 'pas-une-adresse', password: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/id="champ-email-erreur"[^>]*>Saisissez une adresse électronique valide/);
    expect(res.body).toContain('Saisissez votre mot de passe.');
    const long = await c.post('/connexion', { email: 'a'.repeat(300) + '@x.fr', password: 'x' });
    expect(long.statusCode).toBe(400);
  });

  it('refuses a form without a valid CSRF token', async () => {
    const c = new TestClient(t.app);
    await c.get('/connexion');
    const res = await c.post('/connexion', { _csrf: 'faux', email: 'admin@demo.test', password: 'demo-conseiller-numerique' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Formulaire expiré');
  });

  it('slows down a client after repeated failures on an account, even with the right password', async () => {
    const c = new TestClient(t.app);
    await c.get('/connexion');
    for (let i = 0; i < FREE_FAILURES_PER_CLIENT; i++) {
      expect((await c.post('/connexion', { email: 'candidat@demo.test', password: `faux-${i}` })).statusCode).toBe(401);
    }
    const blocked = await c.post('/connexion', { email: 'candidat@demo.test', password: 'demo-conseiller-numerique' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Trop de tentatives de connexion : par sécurité, réessayez dans 30 secondes');
    expect(blocked.headers['retry-after']).toBe('30');
  });

  it('throttles parallel guesses too: they cannot all slip past the limit', async () => {
    const c = new TestClient(t.app);
    await c.get('/connexion');
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => c.post('/connexion', { email: 'coordinateur@demo.test', password: `devine-${i}` })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((x) => x === 401).length).toBeLessThanOrEqual(FREE_FAILURES_PER_CLIENT);
    expect(codes.filter((x) => x === 429).length).toBeGreaterThanOrEqual(15 - FREE_FAILURES_PER_CLIENT);
  });

  it('never redirects off-site after sign-in', async () => {
    const c = new TestClient(t.app);
    await c.get('/connexion');
    const res = await c.post('/connexion', { email: 'admin@demo.test', password: 'demo-conseiller-numerique', retour: '/\t/evil.example' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/tableau-de-bord');
  });

  it('logs out and forgets the session', async () => {
    const c = new TestClient(t.app);
    await c.login('banque@demo.test');
    expect((await c.get('/tableau-de-bord/banque')).statusCode).toBe(200);
    const out = await c.post('/deconnexion');
    expect(out.statusCode).toBe(303);
    const after = await c.get('/tableau-de-bord/banque');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toContain('/connexion');
  });
});

describe('forgotten password', () => {
  it('gives the same answer whether the account exists or not, and mails a single-use link', async () => {
    const c = new TestClient(t.app);
    await c.get('/mot-de-passe/oublie');
    const before = (await listOutbox(t.database.db)).length;
    const a = await c.post('/mot-de-passe/oublie', { email: 'personne@nulle-part.fr' });
    const b = await c.post('/mot-de-passe/oublie', { email: 'structure@demo.test' });
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    expect(a.body.replace(/name="_csrf" value="[^"]+"/g, '')).toBe(b.body.replace(/name="_csrf" value="[^"]+"/g, ''));
    const mails = await listOutbox(t.database.db);
    expect(mails.length).toBe(before + 1);
    const link = /\/mot-de-passe\/nouveau\?jeton=([\w-]+)/.exec(mails[0]!.text)![0];

    const form = await c.get(link);
    expect(form.statusCode).toBe(200);
    const token = link.split('=')[1]!;
    const mismatch = await c.post('/mot-de-passe/nouveau', { jeton: token, password: 'un nouveau mot de passe', confirmation: 'autre chose' });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('ne sont pas identiques');
    const short = await c.post('/mot-de-passe/nouveau', { jeton: token, password: 'court', confirmation: 'court' });
    expect(short.body).toContain('au moins 12 caractères');
    const ok = await c.post('/mot-de-passe/nouveau', { jeton: token, password: 'un nouveau mot de passe', confirmation: 'un nouveau mot de passe' });
    expect(ok.statusCode).toBe(303);
    // single use
    expect((await c.get(link)).statusCode).toBe(410);
    // the new password works
    const d = new TestClient(t.app);
    await d.login('structure@demo.test', 'un nouveau mot de passe');
  });

  it('sends at most three reset links an hour to one account', async () => {
    const c = new TestClient(t.app);
    await c.get('/mot-de-passe/oublie');
    const before = (await listOutbox(t.database.db, 500)).filter((m) => m.to === 'candidat@demo.test').length;
    for (let i = 0; i < 5; i++) expect((await c.post('/mot-de-passe/oublie', { email: 'candidat@demo.test' })).statusCode).toBe(200);
    const after = (await listOutbox(t.database.db, 500)).filter((m) => m.to === 'candidat@demo.test').length;
    expect(after - before).toBe(3);
  });

  it('rejects an expired link', async () => {
    const c = new TestClient(t.app);
    await c.get('/mot-de-passe/oublie');
    await c.post('/mot-de-passe/oublie', { email: 'coordinateur@demo.test' });
    const [mail] = await listOutbox(t.database.db);
    const token = /jeton=([\w-]+)/.exec(mail!.text)![1]!;
    await t.database.exec(`update password_tokens set expires_at = now() - interval '1 minute'`);
    const res = await c.get(`/mot-de-passe/nouveau?jeton=${token}`);
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('Lien expiré ou déjà utilisé');
  });
});

describe('account page and API tokens', () => {
  it('creates a token that authenticates the API, lists it, and revokes it', async () => {
    const c = new TestClient(t.app);
    await c.login('admin@demo.test');
    const created = await c.post('/compte/jetons', { name: 'tableur' });
    expect(created.statusCode).toBe(200);
    const token = /(cn_[\w-]{40,})/.exec(created.body)![1]!;
    const api = await t.app.inject({ url: '/api/v1/communes?q=metz', headers: { authorization: `Bearer ${token}` } });
    expect(api.statusCode).toBe(200);
    const bad = await t.app.inject({ url: '/api/v1/communes?q=metz', headers: { authorization: 'Bearer cn_inconnu' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const page = await c.get('/compte');
    expect(page.body).toContain('tableur');
    const id = /\/compte\/jetons\/([0-9a-f-]{36})\/revoquer/.exec(page.body)![1]!;
    expect((await c.post(`/compte/jetons/${id}/revoquer`)).statusCode).toBe(303);
    const after = await t.app.inject({ url: '/api/v1/communes?q=metz', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
    const audit = await listAudit(t.database.db, { action: 'jeton.revoque' });
    expect(audit.length).toBe(1);
  });

  it('requires a name for a token and the current password to change it', async () => {
    const c = new TestClient(t.app);
    await c.login('prefecture57@demo.test');
    const noName = await c.post('/compte/jetons', { name: '' });
    expect(noName.statusCode).toBe(400);
    expect(noName.body).toContain('Donnez un nom au jeton');
    const wrong = await c.post('/compte/mot-de-passe', { current: 'faux', password: 'un mot de passe solide', confirmation: 'un mot de passe solide' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Le mot de passe actuel est incorrect.');
  });
});

describe('invitations', () => {
  it('lets an admin invite a préfecture user, who sets a password and reaches their dashboard', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    await admin.get('/admin/utilisateurs/inviter');
    const missing = await admin.post('/admin/utilisateurs/inviter', { email: 'p54@exemple.fr', firstName: 'Pia', lastName: 'Nancy', role: 'prefecture', departement: '' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Choisissez le département');
    const ok = await admin.post('/admin/utilisateurs/inviter', { email: 'p54@exemple.fr', firstName: 'Pia', lastName: 'Nancy', role: 'prefecture', departement: '54' });
    expect(ok.statusCode).toBe(303);
    const dup = await admin.post('/admin/utilisateurs/inviter', { email: 'P54@exemple.fr', firstName: 'Pia', lastName: 'Nancy', role: 'prefecture', departement: '54' });
    expect(dup.statusCode).toBe(409);
    const [mail] = await listOutbox(t.database.db);
    expect(mail!.to).toBe('p54@exemple.fr');
    const token = /jeton=([\w-]+)/.exec(mail!.text)![1]!;
    const invited = new TestClient(t.app);
    await invited.get(`/mot-de-passe/nouveau?jeton=${token}`);
    const set = await invited.post('/mot-de-passe/nouveau', { jeton: token, password: 'nancy est belle en été', confirmation: 'nancy est belle en été' });
    expect(set.statusCode).toBe(303);
    const dash = await invited.get('/tableau-de-bord/prefecture');
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain('Médiathèque de Nancy');
    expect(dash.body).not.toContain('Ville de Metz');
  });

  it('attaches a role to a structure picked by name (one match taken, several offered as a choice), or by SIRET', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    await admin.get('/admin/utilisateurs/inviter');
    const base = { firstName: 'Paul', lastName: 'Structure', role: 'conseiller' };
    // Several match « de »: a choice on the same form, nothing created
    const several = await admin.post('/admin/utilisateurs/inviter', { ...base, email: 'paul1@exemple.fr', structure: 'de' });
    expect(several.statusCode).toBe(400);
    expect(several.body).toMatch(/\d+ structures correspondent/);
    const choices = [...several.body.matchAll(/name="structure_id" value="([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    expect(choices.length).toBeGreaterThan(1);
    expect(several.body).toContain('Laquelle de ces structures ?');
    // The choice sent back: created, attached to that structure
    const chosen = await admin.post('/admin/utilisateurs/inviter', { ...base, email: 'paul1@exemple.fr', structure: 'de', structure_id: choices[1]! });
    expect(chosen.statusCode).toBe(303);
    // One match by name: taken at once
    const one = await admin.post('/admin/utilisateurs/inviter', { ...base, email: 'paul2@exemple.fr', structure: 'CCAS de Behren' });
    expect(one.statusCode).toBe(303);
    const list = await admin.get('/admin/utilisateurs?q=paul2');
    expect(list.body).toContain('CCAS de Behren-lès-Forbach');
    // None: said, with what to do
    const none = await admin.post('/admin/utilisateurs/inviter', { ...base, email: 'paul3@exemple.fr', structure: 'Nulle part ailleurs' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Aucune structure ne correspond à « Nulle part ailleurs »');
    // The form asks for a name or a SIRET
    expect((await admin.get('/admin/utilisateurs/inviter')).body).toContain('Son nom (ou une partie) ou son SIRET à 14 chiffres');
  });

  it('gives a user a second role and takes it back, with immediate effect on what they see', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    const pref = new TestClient(t.app);
    await pref.login('prefecture57@demo.test');
    const list = await admin.get('/admin/utilisateurs?q=prefecture57');
    const id = /href="\/admin\/utilisateurs\/([0-9a-f-]{36})"/.exec(list.body)![1]!;
    await admin.get(`/admin/utilisateurs/${id}`);
    const bad = await admin.post(`/admin/utilisateurs/${id}/roles`, { role: 'prefecture', departement: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choisissez le département');
    expect((await admin.post(`/admin/utilisateurs/${id}/roles`, { role: 'prefecture', departement: '54' })).statusCode).toBe(303);
    expect((await admin.post(`/admin/utilisateurs/${id}/roles`, { role: 'prefecture', departement: '54' })).statusCode).toBe(409);
    expect((await pref.get('/structures')).body).toContain('Médiathèque de Nancy');

    const page = await admin.get(`/admin/utilisateurs/${id}`);
    expect(page.body).toContain('département 54');
    const roleIds = [...page.body.matchAll(/\/roles\/([0-9a-f-]{36})\/retirer/g)].map((m) => m[1]!);
    expect(roleIds).toHaveLength(2);
    expect((await admin.post(`/admin/utilisateurs/${id}/roles/${roleIds[1]}/retirer`)).statusCode).toBe(303);
    expect((await pref.get('/structures')).body).not.toContain('Médiathèque de Nancy');
    expect((await admin.get(`/admin/utilisateurs/${'-'.repeat(36)}`)).statusCode).toBe(404);
    const audit = await listAudit(t.database.db, { action: 'utilisateur.role_retire' });
    expect(audit[0]?.objectId).toBe(id);
  });

  it('does not offer to disable one’s own account (and refuses it)', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    const list = await admin.get('/admin/utilisateurs?q=admin%40demo.test');
    const own = /href="\/admin\/utilisateurs\/([0-9a-f-]{36})"/.exec(list.body)![1]!;
    expect(list.body).not.toContain(`/admin/utilisateurs/${own}/desactiver`);
    expect(list.body).toContain('(votre compte)');
    const others = await admin.get('/admin/utilisateurs?q=banque');
    expect(others.body).toMatch(/\/admin\/utilisateurs\/[0-9a-f-]{36}\/desactiver/);
    const res = await admin.post(`/admin/utilisateurs/${own}/desactiver`);
    expect(res.statusCode).toBe(303);
    expect((await admin.get('/admin/utilisateurs')).body).toContain('Vous ne pouvez pas désactiver votre propre compte.');
  });

  it('disables an account, which ends its sessions', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    const victim = new TestClient(t.app);
    await victim.login('banque@demo.test');
    const list = await admin.get('/admin/utilisateurs?q=banque');
    const id = /\/admin\/utilisateurs\/([0-9a-f-]{36})\/desactiver/.exec(list.body)![1]!;
    expect((await admin.post(`/admin/utilisateurs/${id}/desactiver`)).statusCode).toBe(303);
    expect((await victim.get('/tableau-de-bord/banque')).statusCode).toBe(303);
    const again = new TestClient(t.app);
    await again.get('/connexion');
    const res = await again.post('/connexion', { email: 'banque@demo.test', password: 'demo-conseiller-numerique' });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Adresse électronique ou mot de passe incorrect.');
    await admin.post(`/admin/utilisateurs/${id}/reactiver`);
  });
});
