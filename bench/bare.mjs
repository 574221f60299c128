/**
 * The bare baselines of the benchmarks: the least a server can do for the same request, in its own
 * process like the platform's, so that a benchmark reports a ratio (platform ÷ bare) rather than
 * absolute figures on a shared, noisy machine.
 *   node bench/bare.mjs insert PORT DATABASE_URL   POST /api/v1/activites: one INSERT of the JSON body, 201 with it
 *   node bench/bare.mjs bytes PORT FILE            GET any path: the bytes recorded for that path in FILE (JSON
 *                                                  { path: base64 }), application/json; 404 for others
 * Prints « prêt » on stdout once listening.
 */
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
