/** Findings of an attack on a fresh instance: each test failed before its fix. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { decoderFichier, lireFichier, lireFichierParTranches, preparer, preparerParTranches, rapportTexte, type RapportImport } from './import.js';
import { neutraliserFormules } from './routes-api.js';
import { FIELDS, LIMITS, MAX_LENGTH, validateLieuV1, type Field } from './standard.js';

const base = { id: 'x1', pivot: '43493312300029', nom: 'Lieu', commune: 'Metz', code_postal: '57000', adresse: '1 rue A', date_maj: '2024-04-02' };

describe('the shared validation (form, API, import)', () => {
  it('refuses a value a spreadsheet would run as a formula, with a French reason', () => {
    for (const bad of ['=HYPERLINK("http://x","clic")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      const v = validateLieuV1({ ...base, nom: bad });
      expect(v.ok, bad).toBe(false);
      if (!v.ok) expect(v.problems[0]).toMatchObject({ field: 'nom', reason: expect.stringContaining('formule') });
    }
    const multi = validateLieuV1({ ...base, courriels: 'a@b.fr|=x@y.fr', autres_formations_labels: 'Label|@cmd' });
    expect(multi.ok).toBe(false);
    if (!multi.ok) expect(multi.problems.map((p) => p.field).sort()).toEqual(['autres_formations_labels', 'courriels']);
  });

  it('accepts what the standard expects to start with + or -: phone numbers, coordinates', () => {
    const v = validateLieuV1({ ...base, telephone: '+33387000000', latitude: '-21.1', longitude: '-55.5' });
    expect(v.ok, JSON.stringify(v)).toBe(true);
  });

  it('bounds every field, the standard’s maximum first, without echoing the value', () => {
    for (const f of FIELDS) expect(LIMITS[f], f).toBeGreaterThan(0);
    expect(LIMITS.presentation_resume).toBe(MAX_LENGTH.presentation_resume);
    const v = validateLieuV1({ ...base, nom: 'M'.repeat(300_000), presentation_detail: 'x'.repeat(LIMITS.presentation_detail + 1) });
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.problems).toEqual([
        { field: 'nom', reason: `au plus ${LIMITS.nom} caractères (300000 reçus)` },
        { field: 'presentation_detail', reason: `au plus ${LIMITS.presentation_detail} caractères (${LIMITS.presentation_detail + 1} reçus)` },
      ]);
    }
    expect(validateLieuV1({ ...base, nom: 'M'.repeat(LIMITS.nom) }).ok).toBe(true);
  });

  it('refuses a date PostgreSQL cannot store (year 0)', () => {
    expect(validateLieuV1({ ...base, date_maj: '0000-01-01' }).ok).toBe(false);
    expect(validateLieuV1({ ...base, date_maj: '0001-01-01' }).ok).toBe(true);
  });

  it('the CSV export neutralises a formula already stored (not the phone, not negative coordinates)', () => {
    const r = Object.fromEntries(FIELDS.map((f) => [f, ''])) as Record<Field, string>;
    const out = neutraliserFormules({ ...r, nom: '=HYPERLINK("x")', telephone: '+33387000000', latitude: '-21.1', adresse: '@x' });
    expect(out).toMatchObject({ nom: `'=HYPERLINK("x")`, telephone: '+33387000000', latitude: '-21.1', adresse: "'@x" });
  });
});

describe('import rows', () => {
  it('removes a list bullet (« - Avenue ») and refuses a name starting with @, explaining why', () => {
    const csv = 'id,pivot,nom,commune,code_postal,adresse,date_maj\nb1,,Lieu,Thionville,57100,- Avenue Paul Mairat,2024-05-01\nb2,,@telier connecté,Thionville,57100,3 rue X,2024-05-01\n';
    const { valides, rejetes, corrections } = preparer(lireFichier(csv).lignes, 'test');
    expect(valides.map((v) => v.v.adresse)).toEqual(['Avenue Paul Mairat']);
    expect(corrections.adresse?.n).toBe(1);
    expect(rejetes).toEqual([{ numero: 3, id: 'b2', problemes: [{ champ: 'nom', motif: expect.stringContaining('« @ »') }] }]);
  });
});

describe('a large import', () => {
  it('parses and validates by slices, letting other requests run in between (same result as at once)', async () => {
    const rows = ['id,pivot,nom,commune,code_postal,adresse,date_maj,horaires'];
    for (let i = 0; i < 3000; i++) rows.push(`g${i},,Médiathèque n° ${i} — 🏛,Thionville,57100,${i} rue de la Paix,2024-05-01,Mo-Fr 09:00-12:00`);
    const csv = rows.join('\n');
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const lu = await lireFichierParTranches(Buffer.from(csv));
    const afterParse = ticks;
    const prepared = await preparerParTranches(lu.lignes, 'test');
    running = false;
    expect(afterParse).toBeGreaterThan(1); // the CSV is ~200 KB: at least two slices
    expect(ticks - afterParse).toBeGreaterThanOrEqual(20); // 3,000 rows by slices of 100
    expect(lu.lignes).toEqual(lireFichier(csv).lignes);
    expect(prepared.valides.map((v) => v.v.nom)).toEqual(preparer(lireFichier(csv).lignes, 'test').valides.map((v) => v.v.nom));
    expect(prepared.valides[2999]!.v.nom).toBe('Médiathèque n° 2999 — 🏛');
    await expect(lireFichierParTranches('id,nom\n"a,b\n')).rejects.toThrow(/CSV illisible/);
  });
});

describe('import encodings', () => {
  const csv = 'id,pivot,nom,commune,code_postal,adresse,date_maj\nu1,,Médiathèque Œuvre,Thionville,57100,3 rue X,2024-05-01\n';

  it('reads UTF-8 as is, and transcodes Windows-1252 and UTF-16 (LE, BE, with or without BOM)', () => {
    const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
    const cases: [Buffer, string | undefined][] = [
      [Buffer.from(csv, 'utf8'), undefined],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')]), undefined],
      [Buffer.from(new TextEncoderLatin1().encode(csv)), 'Windows-1252 (Latin-1)'],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]), 'UTF-16 LE'],
      [Buffer.from(csv, 'utf16le'), 'UTF-16 LE'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(csv)]), 'UTF-16 BE'],
    ];
    for (const [bytes, encodage] of cases) {
      const d = decoderFichier(bytes);
      expect(d.encodage, encodage).toBe(encodage);
      const f = lireFichier(bytes);
      expect(f.lignes[0]!.data.nom, encodage).toBe('Médiathèque Œuvre');
    }
  });

  it('says so in the report', () => {
    const r: RapportImport = { format: 'CSV standard v1', total: 1, crees: 1, misAJour: 0, inchanges: 0, rejetes: [], ecartes: [], alertes: [], doublons: [], corrections: {}, encodage: 'UTF-16 LE' };
    expect(rapportTexte(r).join('\n')).toContain('le fichier était en UTF-16 LE, il a été converti en UTF-8');
  });
});

/** Windows-1252 bytes of a string (the test's own encoder: Œ is 0x8C there, é 0xE9). */
class TextEncoderLatin1 {
  encode(s: string): Uint8Array {
    const special: Record<string, number> = { Œ: 0x8c, œ: 0x9c, '€': 0x80 };
    return Uint8Array.from([...s].map((c) => special[c] ?? c.charCodeAt(0)));
  }
}

describe('places through HTTP', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp({ config: { banUrl: 'off' } });
  });
  afterAll(async () => t?.close());

  const form = {
    nom: 'Permanence numérique du Sablon',
    pivot: '',
    public: '1',
    adresse: "1 place d'Armes",
    code_postal: '57000',
    commune: 'metz',
    latitude: '49.2001',
    longitude: '6.2001',
    horaires_Mo: '9h-12h',
    frais_a_charge: ['Gratuit'],
  };

  it('the form refuses a formula and an over-long name next to the field, in French', async () => {
    const c = new TestClient(t.app);
    await c.login('structure@demo.test');
    await c.get('/lieux/nouveau');
    const f = await c.post('/lieux/nouveau', { ...form, nom: '=HYPERLINK("https://x.example","Clic")' });
    expect(f.statusCode).toBe(400);
    expect(f.body).toContain('id="champ-nom-erreur"');
    expect(f.body).toContain('prendrait pour une formule');
    const long = await c.post('/lieux/nouveau', { ...form, nom: 'M'.repeat(300_000) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain(`Au plus ${LIMITS.nom} caractères`);
  });

  it('the 409 duplicate warning does not name a non-public place of another structure', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    await admin.get('/lieux/nouveau');
    const hidden = await admin.post('/lieux/nouveau', { ...form, nom: 'Antenne confidentielle Zorglub', public: '', structure_siret: '', confirmer_doublon: '1' });
    expect(hidden.statusCode, hidden.body.slice(0, 2000)).toBe(303);
    const hiddenId = hidden.headers.location!.split('/').pop()!;
    const c = new TestClient(t.app);
    await c.login('structure@demo.test');
    await c.get('/lieux/nouveau');
    const res = await c.post('/lieux/nouveau', { ...form, nom: 'Antenne confidentielle Zorglub' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Un lieu semblable existe déjà, contactez l');
    expect(res.body).not.toContain(hiddenId);
    expect(res.body.match(/Zorglub/g)?.length).toBe(1); // the typed value, kept in the input
    // The admin may see it: it is named.
    await admin.get('/lieux/nouveau');
    const own = await admin.post('/lieux/nouveau', { ...form, nom: 'Antenne confidentielle Zorglub', public: '' });
    expect(own.statusCode).toBe(409);
    expect(own.body).toContain(hiddenId);
  });

  function multipart(client: TestClient, fields: Record<string, string>, file: Buffer) {
    const b = '----cn' + Math.random().toString(16).slice(2);
    const parts: Buffer[] = [];
    for (const [k, v] of Object.entries({ _csrf: client.lastCsrf, ...fields })) parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="fichier"; filename="lieux.csv"\r\nContent-Type: text/csv\r\n\r\n`), file, Buffer.from(`\r\n--${b}--\r\n`));
    return t.app.inject({
      method: 'POST',
      url: '/admin/lieux/import',
      headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': `multipart/form-data; boundary=${b}` },
      payload: Buffer.concat(parts),
    });
  }

  it('an import rejects formula and over-long rows, reports the encoding, and refuses too many fields in French', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    await admin.get('/admin/lieux/import');
    const csv = [
      'id,pivot,nom,commune,code_postal,adresse,date_maj',
      'f1,,"=HYPERLINK(""https://x.example"")",Thionville,57100,3 rue X,2024-05-01',
      `f2,,${'N'.repeat(5000)},Thionville,57100,3 rue X,2024-05-01`,
      'f3,,Médiathèque de Thionville,Thionville,57100,3 rue X,2024-05-01',
      '',
    ].join('\n');
    const res = await multipart(admin, { source: 'test-attaque' }, Buffer.from(new TextEncoderLatin1().encode(csv)));
    expect(res.statusCode, res.body.replace(/[\s\S]*<main/, '').slice(0, 1500)).toBe(200);
    expect(res.body).toContain('1 créés');
    expect(res.body).toContain('2 rejetés');
    expect(res.body).toContain('prendrait pour une formule');
    expect(res.body).toContain(`au plus ${LIMITS.nom} caractères`);
    expect(res.body).toContain('Windows-1252');
    const api = (await t.app.inject({ url: '/api/v1/lieux.json' })).json() as { nom: string }[];
    expect(api.map((l) => l.nom)).toContain('Médiathèque de Thionville');

    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`champ${i}`, 'x']));
    const tooMany = await multipart(admin, many, Buffer.from(csv));
    expect([400, 413]).toContain(tooMany.statusCode);
    expect(tooMany.body).toContain("trop de champs (10 au plus)");
  });
});
