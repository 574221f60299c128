/**
 * fuzz — the route fuzzer of src/platform/fuzz.ts with a large count: every registered route, as
 * anonymous and as admin, conseiller, structure and prefecture users, gets hostile input (wrong JSON
 * types, huge strings, odd unicode, out-of-range dates and numbers, odd query strings and path
 * parameters, malformed multipart bodies), in process (app.inject) on an embedded database seeded
 * with the demo. Reports the requests sent, the 5xx found (must be 0) and the other broken 4xx.
 *
 * BENCH_FUZZ_COUNT: requests per route and identity (default 100); BENCH_FUZZ_SEED: the seed.
 */
import { round, type BenchOptions, type BenchResult } from './lib.js';
import { createTestApp } from '../src/platform/testing.js';
import { FUZZ_SEED, prepareFuzz, runFuzz } from '../src/platform/fuzz.js';

const COUNT = Number(process.env.BENCH_FUZZ_COUNT ?? 100);
const SEED = process.env.BENCH_FUZZ_SEED ? Number(process.env.BENCH_FUZZ_SEED) : FUZZ_SEED;

export async function fuzz(_opts: BenchOptions): Promise<BenchResult> {
  const t = await createTestApp();
  try {
    const session = await prepareFuzz(t);
    const report = await runFuzz(session, {
      perRoute: COUNT,
      seed: SEED,
      onProgress: (done, total) => {
        if (done % 5000 === 0) process.stdout.write(`  ${done}/${total} requêtes\n`);
      },
    });
    const serverErrors = report.findings.filter((f) => f.status >= 500);
    const badAnswers = report.findings.filter((f) => f.status < 500);
    const seconds = report.ms / 1000;
    const failures = [
      ...serverErrors.slice(0, 50).map((f) => `${f.status} ${f.who} ${f.method} ${f.url.slice(0, 200)} — ${f.input.slice(0, 300)}`),
      ...(serverErrors.length > 50 ? [`… et ${serverErrors.length - 50} autres 5xx`] : []),
    ];
    return {
      table: {
        columns: ['routes', 'identités', 'requêtes', 'durée (s)', 'requêtes/s', '5xx', '4xx mal formées'],
        rows: [[session.routes.length, 5, report.requests, round(seconds, 1), round(report.requests / seconds, 0), serverErrors.length, badAnswers.length]],
      },
      data: {
        seed: SEED,
        perRoute: COUNT,
        routes: session.routes.length,
        requests: report.requests,
        ms: report.ms,
        serverErrors,
        badAnswers: badAnswers.slice(0, 200),
        badAnswersTotal: badAnswers.length,
      },
      failures,
    };
  } finally {
    await t.close();
  }
}
