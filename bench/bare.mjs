/**
 * The bare baselines of the benchmarks: the least a server can do for the same request, in its own
 * process like the platform's, so that a benchmark reports a ratio (platform ÷ bare) rather than
 * absolute figures on a shared, noisy machine.
 *   node bench/bare.mjs insert PORT DATABASE_URL   POST /api/v1/activites: one INSERT of the JSON body, 201 with it
 *   node bench/bare.mjs memes-requetes PORT DATABASE_URL   POST /api/v1/activites: the platform's database work
 *                                                  (the token's user, then the row and its audit entry in one
 *                                                  statement, in the platform's tables), nothing else
 *   node bench/bare.mjs bytes PORT FILE            GET any path: the bytes recorded for that path in FILE (JSON
 *                                                  { path: base64 }), application/json; 404 for others
 * Prints « prêt » on stdout once listening.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';

const [mode, port, arg] = process.argv.slice(2);
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

if (mode === 'insert') {
  const pool = new pg.Pool({ connectionString: arg, max: 10 });
  await pool.query('create table if not exists bare_activites (id uuid primary key, conseiller text not null, payload jsonb not null, created_at timestamptz not null default now())');
  app.post('/api/v1/activites', async (request, reply) => {
    const body = request.body;
    await pool.query('insert into bare_activites (id, conseiller, payload) values ($1, $2, $3)', [body.id, request.headers.authorization ?? '', body]);
    return reply.code(201).send(body);
  });
} else if (mode === 'memes-requetes') {
  // The same database work as the platform, without the platform: the token's user (one SELECT), then
  // the activity row and its audit entry in one statement, into the platform's own tables and indexes.
  const pool = new pg.Pool({ connectionString: arg, max: 10 });
  app.post('/api/v1/activites', async (request, reply) => {
    const b = request.body;
    const hash = createHash('sha256').update((request.headers.authorization ?? '').slice(7)).digest('hex');
    const { rows } = await pool.query({
      name: 'jeton',
      text: `select u.id, (select r.structure_id from role_assignments r where r.user_id = u.id limit 1) as structure_id
        from api_tokens t join users u on u.id = t.user_id where t.token_hash = $1 and t.revoked_at is null and u.active limit 1`,
      values: [hash],
    });
    if (!rows[0]) return reply.code(401).send({ error: 'jeton' });
    const { rows: ins } = await pool.query({
      name: 'activite',
      text: `with ins as (insert into activites (id, conseiller_id, structure_id, departement, type, date, duree_minutes, tranche_duree, lieu_type, commune_insee,
          thematiques, thematiques_demarches, nom_demarche, materiel, autonomie, orientation, accompagnements, participants, notes)
        values ($1, $2, $3, '57', $4, $5, $6, '30_60', $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16) on conflict (id) do nothing returning *),
        audit as (insert into audit_log (actor_user_id, actor_label, action, object_type, object_id, summary) select $2::uuid, 'Conseiller', 'activite.creee', 'activite', $1, 'Activité enregistrée' from ins)
        select * from ins`,
      values: [b.id, rows[0].id, rows[0].structure_id, b.type, b.date, b.duree_minutes, b.lieu.type, b.lieu.commune_insee, b.thematiques, b.thematiques_demarches, b.nom_demarche, b.materiel, b.autonomie, b.orientation,
        { total: 1, deja_accompagnes: 0, genres: { non_communique: 1 }, tranches_age: { non_communique: 1 }, statuts: { non_communique: 1 } }, b.notes],
    });
    return reply.code(201).send(ins[0]);
  });
} else if (mode === 'bytes') {
  const answers = new Map(Object.entries(JSON.parse(readFileSync(arg, 'utf8'))).map(([path, b64]) => [path, Buffer.from(b64, 'base64')]));
  app.get('/*', async (request, reply) => {
    const bytes = answers.get(request.url);
    if (!bytes) return reply.code(404).send({ error: 'inconnu' });
    return reply.type('application/json; charset=utf-8').send(bytes);
  });
} else {
  console.error(`mode inconnu : ${mode}`);
  process.exit(2);
}

await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('prêt\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
