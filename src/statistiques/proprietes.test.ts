/**
 * Random operations through the activities context's own use cases (record, edit, delete, merge
 * beneficiaries): after each batch, every indicator read from the aggregates the triggers keep equals
 * the same indicator computed live from the records, for random scopes, periods and filters.
 * Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../platform/testing.js';
import { rowsOf, type Database } from '../platform/db.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { checkActivite, createActivite, deleteActivite, updateActivite, type ConseillerProfile, type EquipeScope } from '../activites/activites.js';
import { createBeneficiaire, mergeBeneficiaires } from '../activites/beneficiaires.js';
import { GENRES, LIEU_TYPES, MATERIEL, ORIENTATIONS, STATUTS, THEMATIQUES, THEMATIQUES_DEMARCHES, TRANCHES_AGE, TYPES } from '../activites/codes.js';
import { lireAgregats, lireDirect, type Filtre, type Perimetre } from './lecture.js';
import { replierStatistiques } from './repliage.js';
import { heuresParType, indicateurs, jourSuivant, premiers, type Figures } from './regles.js';
import { lirePubliques } from './publique.js';
import { tableauTerritorial } from './tableau.js';

/** A small seeded generator (mulberry32): a failing run can be replayed with the same seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const some = <T,>(xs: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + int(max) }, () => pick(xs)))];
  return { next, int, pick, some };
}

const SEED = Number(process.env.STATISTIQUES_SEED ?? 20261203);
const r = prng(SEED);
const clock = () => new Date('2026-06-30T10:00:00Z');
const JOURS = Array.from({ length: 120 }, (_, i) => jourSuivant('2026-03-02', i));
const COMMUNES = ['57463', '57672', '54395', '67482'];

let database: Database;
const profils: ConseillerProfile[] = [];
const beneficiaires = new Map<string, string[]>(); // conseiller → active beneficiaries
const vivantes = new Map<string, { conseiller: ConseillerProfile; payload: Record<string, unknown> }>();
let equipe: EquipeScope;
const structures = [randomUUID(), randomUUID()];
const NIL = '00000000-0000-0000-0000-000000000000';

function counts(total: number, codes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  let left = total;
  for (const c of codes.filter((x) => x !== 'non_communique')) {
    const n = r.int(left + 1);
    if (n) out[c] = n;
    left -= n;
  }
  return out;
}

function payload(p: ConseillerProfile, id: string): Record<string, unknown> {
  const type = r.pick(TYPES.values);
  const thematiques = r.some(THEMATIQUES.values, 3);
  const lieuType = r.pick(LIEU_TYPES.values.filter((l) => l !== 'lieu_activite'));
  const base: Record<string, unknown> = {
    id,
    type,
    date: r.pick(JOURS),
    duree_minutes: r.pick([10, 15, 30, 45, 60, 90, 120, 180]),
    lieu: { type: lieuType, commune_insee: lieuType === 'a_distance' && r.next() < 0.5 ? null : r.pick(COMMUNES) },
    thematiques,
    thematiques_demarches: thematiques.includes('aide_aux_demarches_administratives') ? r.some(THEMATIQUES_DEMARCHES.values, 2) : [],
    materiel: r.next() < 0.2 ? ['aucun'] : r.some(MATERIEL.values.filter((m) => m !== 'aucun'), 2),
    orientation: r.next() < 0.5 ? r.pick(ORIENTATIONS.values) : null,
  };
  if (type === 'collectif') {
    const total = 1 + r.int(14);
    return {
      ...base,
      titre_atelier: 'Atelier',
      participants: {
        total,
        deja_accompagnes: r.int(total + 1),
        genres: counts(total, GENRES.values),
        tranches_age: counts(total, TRANCHES_AGE.values),
        statuts: counts(total, STATUTS.values),
      },
    };
  }
  const mine = beneficiaires.get(p.userId) ?? [];
  return {
    ...base,
    beneficiaire_id: mine.length && r.next() < 0.6 ? r.pick(mine) : null,
    personne: r.next() < 0.7 ? { genre: r.pick(GENRES.values), tranche_age: r.pick(TRANCHES_AGE.values), statut: r.pick(STATUTS.values) } : null,
  };
}

async function operation(): Promise<void> {
  const db = database.db;
  const roll = r.next();
  const p = r.pick(profils);
  if (roll < 0.45 || vivantes.size < 5) {
    const id = randomUUID();
    const v = await checkActivite(db, p, payload(p, id), clock);
    await createActivite(db, SYSTEM_ACTOR, p, v);
    vivantes.set(id, { conseiller: p, payload: v as unknown as Record<string, unknown> });
  } else if (roll < 0.7) {
    const id = r.pick([...vivantes.keys()]);
    const { conseiller } = vivantes.get(id)!;
    const v = await checkActivite(db, conseiller, payload(conseiller, id), clock);
    await updateActivite(db, SYSTEM_ACTOR, conseiller, v);
  } else if (roll < 0.82) {
    const id = r.pick([...vivantes.keys()]);
    await deleteActivite(db, SYSTEM_ACTOR, vivantes.get(id)!.conseiller.userId, id);
    vivantes.delete(id);
  } else if (roll < 0.92) {
    const b = await createBeneficiaire(db, SYSTEM_ACTOR, { conseillerId: p.userId, structureId: p.structureId }, {
      prenom: `Prénom${r.int(1000)}`, nom: 'Nom', anneeNaissance: 1950 + r.int(60), communeInsee: null, telephone: null, email: null, notes: null, consentement: true,
    });
    beneficiaires.set(p.userId, [...(beneficiaires.get(p.userId) ?? []), b.id]);
  } else {
    const mine = beneficiaires.get(p.userId) ?? [];
    if (mine.length < 2) return;
    const keep = r.pick(mine);
    const doublon = r.pick(mine.filter((x) => x !== keep));
    await mergeBeneficiaires(db, SYSTEM_ACTOR, p.userId, keep, doublon);
    beneficiaires.set(p.userId, mine.filter((x) => x !== doublon));
  }
}

/** What the two sources must agree on: every indicator of the API, the hours, the top places and communes. */
function comparable(f: Figures, au: string) {
  return { ...indicateurs(f, au), heures: heuresParType(f), communes: premiers(f.repartitions.commune, 100), lieux: premiers(f.repartitions.lieu_id, 100) };
}

function perimetreAuHasard(): Perimetre {
  const p = r.pick(profils);
  switch (r.int(6)) {
    case 0:
      return { kind: 'national' };
    case 1:
      return { kind: 'departements', departements: r.some(['57', '54', '67'], 2) };
    case 2:
      return { kind: 'structure', structureId: r.pick(structures) };
    case 3:
      return { kind: 'conseiller', conseillerId: p.userId };
    default:
      return { kind: 'equipe', equipe };
  }
}

function filtreAuHasard(): Filtre {
  const a = r.pick(JOURS);
  const b = r.pick(JOURS);
  const [du, au] = r.next() < 0.2 ? ['2026-03-01', '2026-06-30'] : a <= b ? [a, b] : [b, a];
  const f: Filtre = { du, au, types: r.next() < 0.3 ? r.some(TYPES.values, 2).sort() : [], thematiques: [] };
  // The narrowing filters, sometimes (alone or together): conseillers, structures (the nil one is no
  // structure's: it must match nothing), départements (on a territorial scope: the territory rows).
  if (r.next() < 0.25) f.conseillers = r.some(profils.map((x) => x.userId), 2);
  if (r.next() < 0.25) f.structures = r.some([...structures, NIL], 2);
  if (r.next() < 0.3) f.departements = r.some(['57', '54', '67', '2A'], 2);
  return f;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const deps = ['57', '57', '54', '67'];
  for (let i = 0; i < 4; i++) {
    profils.push({ userId: randomUUID(), structureId: i === 3 ? null : structures[i % 2]!, departement: deps[i]!, startDate: null, endDate: null, lieux: [], communeStructure: '57463' });
  }
  equipe = {
    coordinateurId: profils[0]!.userId,
    periodes: [
      { userId: profils[1]!.userId, debut: '2026-04-01', fin: '2026-05-15' },
      { userId: profils[2]!.userId, debut: '2026-05-01', fin: null },
    ],
  };
});

afterAll(async () => {
  await database?.close();
});

describe('aggregates kept by the triggers', () => {
  it('equal a live computation over the records after random creates, edits, deletes and merges', async () => {
    let checks = 0;
    let replies = 0;
    let filtres = 0;
    for (let batch = 0; batch < 12; batch++) {
      for (let i = 0; i < 25; i++) {
        await operation();
        // The territory journal is folded at random moments: readings must not depend on it.
        if (r.next() < 0.1) replies += await replierStatistiques(database.db);
      }
      for (let k = 0; k < 6; k++) {
        const p = perimetreAuHasard();
        const f = filtreAuHasard();
        const agregats = comparable(await lireAgregats(database.db, p, f), f.au);
        const direct = comparable(await lireDirect(database.db, p, f), f.au);
        expect(agregats, `graine ${SEED}, lot ${batch}, ${JSON.stringify(p)} ${JSON.stringify(f)}`).toEqual(direct);
        checks++;
        if ((f.conseillers || f.structures || f.departements) && agregats.activites > 0) filtres++;
      }
    }
    // The comparison was not vacuous: the national figures over the whole window count real activities and people.
    const tout = comparable(await lireAgregats(database.db, { kind: 'national' }, { du: '2026-03-01', au: '2026-06-30', types: [], thematiques: [] }), '2026-06-30');
    expect(tout.activites).toBe(vivantes.size);
    expect(tout.beneficiaires.suivis).toBeGreaterThan(0);
    expect(tout.participants_ateliers).toBeGreaterThan(0);
    expect(checks).toBe(72);
    // Some of them narrowed by conseillers, structures or départements, and still counted something.
    expect(filtres).toBeGreaterThan(5);
    expect(replies).toBeGreaterThan(0);
  });

  it('folding the territory journal changes no figure, and leaves it empty', async () => {
    const f: Filtre = { du: '2026-03-01', au: '2026-06-30', types: [], thematiques: [] };
    const perimetres: Perimetre[] = [{ kind: 'national' }, { kind: 'departements', departements: ['57'] }, { kind: 'departements', departements: ['54', '67'] }];
    // Something in the journal first, so that the fold has work to do.
    for (let i = 0; i < 5; i++) await operation();
    const avant = await Promise.all(perimetres.map(async (p) => comparable(await lireAgregats(database.db, p, f), f.au)));
    expect(await replierStatistiques(database.db)).toBeGreaterThan(0);
    expect(await replierStatistiques(database.db)).toBe(0);
    const apres = await Promise.all(perimetres.map(async (p) => comparable(await lireAgregats(database.db, p, f), f.au)));
    expect(apres).toEqual(avant);
    const direct = comparable(await lireDirect(database.db, { kind: 'national' }, f), f.au);
    expect(apres[0]).toEqual(direct);
  });

  it('a themes filter, computed from the records, agrees with the aggregates of one theme alone', async () => {
    const f: Filtre = { du: '2026-03-01', au: '2026-06-30', types: [], thematiques: ['email'] };
    const direct = await lireDirect(database.db, { kind: 'national' }, f);
    const agregats = await lireAgregats(database.db, { kind: 'national' }, { ...f, thematiques: [] });
    const email = agregats.repartitions.thematique?.find((l) => l.valeur === 'email');
    expect(direct.activites).toBe(email?.activites ?? 0);
    expect(direct.accompagnements).toBe(email?.accompagnements ?? 0);
  });

  it('replaying the records through statistiques_appliquer gives the same aggregates (the path the backfill of 0016 took)', async () => {
    const before = await lireAgregats(database.db, { kind: 'national' }, { du: '2026-03-01', au: '2026-06-30', types: [], thematiques: [] });
    await database.exec(`truncate statistiques_jours, statistiques_territoires, statistiques_territoires_journal, statistiques_presences;
      select statistiques_appliquer('{}'::activites[], array(select a from activites a where a.deleted_at is null));`);
    const after = await lireAgregats(database.db, { kind: 'national' }, { du: '2026-03-01', au: '2026-06-30', types: [], thematiques: [] });
    expect(comparable(after, '2026-06-30')).toEqual(comparable(before, '2026-06-30'));
  });

  it('statistiques_reconstruire() rebuilds from the records the very rows the triggers keep', async () => {
    await replierStatistiques(database.db);
    // Territory rows folded back to zero (everything counted there deleted) are not rebuilt: left out (the
    // per-conseiller ones are deleted by the triggers, migration 0023).
    const nonNul = 'activites <> 0 or accompagnements <> 0 or personnes <> 0 or nouveaux <> 0 or minutes <> 0';
    const requetes: Record<string, string> = {
      statistiques_jours: `select * from statistiques_jours where ${nonNul} order by jour, conseiller_id, structure_id, departement, type, dimension, valeur`,
      statistiques_territoires: `select * from statistiques_territoires where ${nonNul} order by granularite, departement, type, debut, dimension, valeur`,
      statistiques_presences: 'select * from statistiques_presences order by beneficiaire_id, jour, conseiller_id, structure_id, departement, type, genre, tranche_age, statut',
    };
    const tables = Object.keys(requetes);
    const contenu = async () => {
      const out: Record<string, unknown[]> = {};
      for (const t of tables) out[t] = rowsOf(await database.db.execute(sql.raw(requetes[t]!)));
      return out;
    };
    // The keys and indexes it drops during the load (migration 0022) come back as they were.
    const index = async () =>
      rowsOf<{ indexname: string; indexdef: string }>(
        await database.db.execute(sql`select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename like 'statistiques%' order by indexname`),
      );
    const indexAvant = await index();
    expect(indexAvant.length).toBe(10);
    const avant = await contenu();
    expect(avant.statistiques_jours!.length).toBeGreaterThan(0);
    await database.exec('select statistiques_reconstruire()');
    const apres = await contenu();
    for (const t of tables) expect(apres[t], t).toEqual(avant[t]);
    expect(await index()).toEqual(indexAvant);
  });

  it('the aggregate tables leave room on their pages for in-place updates (fillfactor 70, migration 0021), after a rebuild too', async () => {
    const options = async () =>
      rowsOf<{ relname: string; reloptions: string[] | null }>(
        await database.db.execute(sql`select relname, reloptions from pg_class where relname in ('statistiques_jours', 'statistiques_territoires') and relnamespace = current_schema()::regnamespace order by relname`),
      ).map((x) => [x.relname, x.reloptions]);
    const attendu = [['statistiques_jours', ['fillfactor=70']], ['statistiques_territoires', ['fillfactor=70']]];
    expect(await options()).toEqual(attendu);
    await database.exec('select statistiques_reconstruire()');
    expect(await options()).toEqual(attendu);
  });

  it('a conseiller whose only recent activity was deleted is no longer counted active (public page, territory table): the row at zero goes', async () => {
    const today = '2026-06-30';
    const seul: ConseillerProfile = { userId: randomUUID(), structureId: null, departement: '2A', startDate: null, endDate: null, lieux: [], communeStructure: '57463' };
    const f: Filtre = { du: '2026-06-01', au: today, types: [], thematiques: [] };
    const actifs = async () => ({
      public: (await lirePubliques(database.db, today)).departements.find((d) => d.code === '2A')?.conseillers_actifs,
      tableau: (await tableauTerritorial(database.db, 'departement', ['2A'], f, today)).find((l) => l.code === '2A')?.actifs,
    });
    expect(await actifs()).toEqual({ public: 0, tableau: 0 });
    const id = randomUUID();
    const v = await checkActivite(database.db, seul, { id, type: 'individuel', date: today, duree_minutes: 30, lieu: { type: 'domicile', commune_insee: '2A004' }, thematiques: ['email'] }, clock);
    await createActivite(database.db, SYSTEM_ACTOR, seul, v);
    expect(await actifs()).toEqual({ public: '< 5', tableau: 1 });
    await deleteActivite(database.db, SYSTEM_ACTOR, seul.userId, id);
    expect(await actifs()).toEqual({ public: 0, tableau: 0 });
    const restes = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from statistiques_jours where conseiller_id = ${seul.userId}::uuid`));
    expect(restes[0]!.n).toBe(0);
  });
});
