import { describe, expect, it } from 'vitest';
import { LA_POSTE_SIREN, luhnValid, withLuhnKey } from '../structures/siret.js';
import {
  AVIS_COSELEC,
  avenantProblem,
  depassements,
  entier,
  identifiantProblem,
  isStatut,
  LIMITES,
  postesApresAvenant,
  prochaineEtape,
  STATUT_APRES_DECISION,
  STATUTS,
  STATUTS_AVIS,
  STATUTS_CLOS,
  telephoneProblem,
  truthy,
  validateAvis,
  validateCandidature,
  validateDecision,
  type CandidatureInput,
  type Statut,
} from './regles.js';

const TODAY = '2026-06-15';
const SIRET = withLuhnKey('9990000000001');

function input(over: Partial<CandidatureInput> = {}): CandidatureInput {
  return {
    siret: SIRET,
    type: 'commune',
    nom: 'Ville de Metz',
    adresse: '1 place d’Armes',
    communeInsee: '57463',
    codePostal: '57000',
    contactPrenom: 'Camille',
    contactNom: 'Martin',
    contactFonction: 'Directrice générale des services',
    contactEmail: 'camille.martin@metz.fr',
    contactTelephone: '03 87 55 50 00',
    postesSouhaites: '2',
    dateDebut: TODAY,
    candidatIdentifie: undefined,
    motivation: 'Accompagner les habitants du quartier dans leurs démarches en ligne.',
    labelFranceServices: undefined,
    zrr: undefined,
    qpv: undefined,
    engagement: 'on',
    ...over,
  };
}

/** The errors of an application with these fields changed ({} when it is valid). */
function errors(over: Partial<CandidatureInput> = {}, today = TODAY): Record<string, string> {
  const r = validateCandidature(input(over), today);
  return r.ok ? {} : (r.errors as Record<string, string>);
}

/** A La Poste SIRET (SIREN 356000000) that satisfies La Poste's rule (digit sum multiple of 5) but not Luhn, or neither. */
function laPosteSiret(valid: boolean): string {
  for (let i = 0; i < 100_000; i++) {
    const s = LA_POSTE_SIREN + String(i).padStart(5, '0');
    const sum = [...s].reduce((a, c) => a + Number(c), 0);
    if (luhnValid(s)) continue;
    if (valid === (sum % 5 === 0)) return s;
  }
  throw new Error('unreachable');
}

function otherLuhnDigit(siret: string): string {
  const last = Number(siret.at(-1));
  return siret.slice(0, -1) + String((last + 1) % 10);
}

describe('validateCandidature', () => {
  it('accepts a complete application and normalises it', () => {
    const r = validateCandidature(
      input({
        siret: `${SIRET.slice(0, 3)} ${SIRET.slice(3, 6)} ${SIRET.slice(6, 9)} ${SIRET.slice(9)}`,
        contactEmail: '  Camille.Martin@Metz.FR ',
        contactTelephone: '03.87.55.50.00',
        nom: '  Ville de Metz  ',
        postesSouhaites: ' 3 ',
        candidatIdentifie: 'on',
        labelFranceServices: true,
        zrr: 'oui',
        qpv: 'false',
      }),
      TODAY,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      siret: SIRET,
      type: 'commune',
      nom: 'Ville de Metz',
      communeInsee: '57463',
      codePostal: '57000',
      departement: '57',
      region: '44',
      contactEmail: 'camille.martin@metz.fr',
      contactTelephone: '0387555000',
      postesSouhaites: 3,
      dateDebut: TODAY,
      candidatIdentifie: true,
      labelFranceServices: true,
      zrr: true,
      qpv: false,
    });
  });

  it('reports every problem against its field at once', () => {
    const r = validateCandidature(
      {
        siret: '',
        type: '',
        nom: '',
        adresse: '',
        communeInsee: '',
        contactPrenom: '',
        contactNom: '',
        contactFonction: '',
        contactEmail: '',
        contactTelephone: '',
        postesSouhaites: '',
        dateDebut: '',
        candidatIdentifie: undefined,
        motivation: '',
        labelFranceServices: undefined,
        zrr: undefined,
        qpv: undefined,
        engagement: undefined,
      },
      TODAY,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(
      [
        'siret',
        'type',
        'nom',
        'adresse',
        'communeInsee',
        'contactPrenom',
        'contactNom',
        'contactFonction',
        'contactEmail',
        'contactTelephone',
        'postesSouhaites',
        'dateDebut',
        'motivation',
        'engagement',
      ].sort(),
    );
    for (const m of Object.values(r.errors)) expect(m).toMatch(/\S/);
  });

  describe('SIRET', () => {
    it('accepts a Luhn-valid SIRET and refuses one wrong digit', () => {
      expect(errors().siret).toBeUndefined();
      expect(errors({ siret: otherLuhnDigit(SIRET) }).siret).toMatch(/clé de contrôle/);
    });

    it('refuses a missing, non-numeric, short, long or all-zero SIRET', () => {
      expect(errors({ siret: '' }).siret).toMatch(/Saisissez/);
      expect(errors({ siret: '9990000000001A' }).siret).toMatch(/chiffres/);
      expect(errors({ siret: SIRET.slice(0, 13) }).siret).toMatch(/14 chiffres \(vous en avez saisi 13\)/);
      expect(errors({ siret: SIRET + '0' }).siret).toMatch(/14 chiffres \(vous en avez saisi 15\)/);
      expect(errors({ siret: '00000000000000' }).siret).toMatch(/n'existe pas/);
    });

    it('applies La Poste’s rule (digit sum multiple of 5) to SIREN 356000000 instead of Luhn', () => {
      const ok = laPosteSiret(true);
      expect(luhnValid(ok)).toBe(false);
      expect(errors({ siret: ok }).siret).toBeUndefined();
      expect(errors({ siret: laPosteSiret(false) }).siret).toMatch(/La Poste/);
      // Outside SIREN 356000000, La Poste's rule is no excuse for a wrong key.
      const notLaPoste = '9990000000' + ok.slice(10);
      if (!luhnValid(notLaPoste)) expect(errors({ siret: notLaPoste }).siret).toMatch(/clé de contrôle/);
    });

    it('accepts a RIDET (7 or 10 digits) only for an overseas commune', () => {
      expect(identifiantProblem('1234567', '57')).toMatch(/outre-mer/);
      expect(identifiantProblem('1234567', undefined)).toMatch(/outre-mer/);
      expect(identifiantProblem('1234567', '971')).toBeNull();
      expect(identifiantProblem('1234567001', '974')).toBeNull();
      expect(identifiantProblem('123456', '971')).toMatch(/14 chiffres/);
      expect(errors({ siret: '1234567' }).siret).toMatch(/outre-mer/);
      const pap = errors({ siret: '1234567', communeInsee: '97120', codePostal: '97110' });
      expect(pap).toEqual({});
      const r = validateCandidature(input({ siret: '123 4567', communeInsee: '97120', codePostal: '97110' }), TODAY);
      expect(r.ok && r.value.siret).toBe('1234567');
      expect(r.ok && r.value.departement).toBe('971');
      // Overseas, a 14-digit identifier is still a SIRET with its key.
      expect(errors({ siret: otherLuhnDigit(SIRET), communeInsee: '97120', codePostal: '97110' }).siret).toMatch(/clé de contrôle/);
    });
  });

  describe('telephone', () => {
    it.each([
      ['0387555000', true],
      ['03 87 55 50 00', true],
      ['03.87.55.50.00', true],
      ['03-87-55-50-00', true],
      ['(03) 87 55 50 00', true],
      ['+33387555000', true], // + and 11 digits
      ['+33 3 87 55 50 00', true],
      ['+262262123456', true], // + and 12 digits
      ['038755500', false], // 9 digits
      ['03875550001', false], // 11 digits without +
      ['+3338755500', false], // + and 10 digits
      ['+2622621234567', false], // + and 13 digits
      ['++33387555000', false],
      ['03875550OO', false],
      ['0033387555000', false],
      ['', false],
    ])('%s → %s', (tel, ok) => {
      expect(errors({ contactTelephone: tel }).contactTelephone === undefined).toBe(ok);
    });

    it('telephoneProblem works on the normalised value', () => {
      expect(telephoneProblem('')).toMatch(/Saisissez/);
      expect(telephoneProblem('0387555000')).toBeNull();
      expect(telephoneProblem('03 87 55 50 00')).not.toBeNull();
    });
  });

  describe('posts wanted', () => {
    it.each([
      ['1', true],
      [1, true],
      [' 4 ', true],
      [LIMITES.postesMax, true],
      ['0', false],
      [0, false],
      ['-1', false],
      [-1, false],
      ['1.5', false],
      [1.5, false],
      ['deux', false],
      ['', false],
      [LIMITES.postesMax + 1, false],
      ['1e2', false],
    ])('%s → %s', (postes, ok) => {
      expect(errors({ postesSouhaites: postes }).postesSouhaites === undefined).toBe(ok);
    });
  });

  describe('start date', () => {
    it('is today or later, with today passed in', () => {
      expect(errors({ dateDebut: TODAY }).dateDebut).toBeUndefined();
      expect(errors({ dateDebut: '2026-06-16' }).dateDebut).toBeUndefined();
      expect(errors({ dateDebut: '2030-01-01' }).dateDebut).toBeUndefined();
      expect(errors({ dateDebut: '2026-06-14' }).dateDebut).toMatch(/passée/);
      expect(errors({ dateDebut: '2025-12-31' }).dateDebut).toMatch(/passée/);
      // The same date is past for a later "today".
      expect(errors({ dateDebut: TODAY }, '2026-06-16').dateDebut).toMatch(/passée/);
    });

    it.each(['', '15/06/2026', '2026-6-15', '2026-02-30', '2026-13-01', '2026-06-15T10:00', 'demain'])('refuses %j as a date', (d) => {
      expect(errors({ dateDebut: d }).dateDebut).toMatch(/date valide/);
    });
  });

  describe('motivation', () => {
    it('is required and at most 2,500 characters (trimmed)', () => {
      expect(errors({ motivation: '' }).motivation).toMatch(/Expliquez/);
      expect(errors({ motivation: '   \n ' }).motivation).toMatch(/Expliquez/);
      expect(errors({ motivation: 'x'.repeat(LIMITES.motivation) }).motivation).toBeUndefined();
      expect(errors({ motivation: `  ${'x'.repeat(LIMITES.motivation)}  ` }).motivation).toBeUndefined();
      expect(errors({ motivation: 'x'.repeat(LIMITES.motivation + 1) }).motivation).toMatch(/2500 caractères \(vous en avez saisi 2501\)/);
      expect(LIMITES.motivation).toBe(2500);
    });
  });

  describe('engagement', () => {
    it.each([
      [true, true],
      ['on', true],
      ['true', true],
      ['oui', true],
      ['1', true],
      [undefined, false],
      [false, false],
      ['', false],
      ['off', false],
      ['non', false],
      ['false', false],
    ])('%j → %s', (v, ok) => {
      expect(errors({ engagement: v }).engagement === undefined).toBe(ok);
    });
  });

  describe('commune and postcode', () => {
    it('needs a known commune', () => {
      expect(errors({ communeInsee: '' }).communeInsee).toMatch(/Commune inconnue/);
      expect(errors({ communeInsee: '99999' }).communeInsee).toMatch(/Commune inconnue/);
      expect(errors({ communeInsee: 'Metz' }).communeInsee).toMatch(/Commune inconnue/);
      expect(errors({ communeInsee: ' 57463 ' }).communeInsee).toBeUndefined();
    });

    it('checks the postcode against the commune, or takes its first one', () => {
      expect(errors({ communeInsee: '57463', codePostal: '57050' })).toEqual({});
      expect(errors({ communeInsee: '57463', codePostal: '57 000' })).toEqual({});
      expect(errors({ communeInsee: '57463', codePostal: '57100' }).codePostal).toMatch(/ne correspond pas à Metz/);
      expect(errors({ communeInsee: '54395', codePostal: '57000' }).codePostal).toMatch(/Nancy/);
      const thionville = validateCandidature(input({ communeInsee: '57672', codePostal: undefined }), TODAY);
      expect(thionville.ok && thionville.value.codePostal).toBe('57100');
      const nancy = validateCandidature(input({ communeInsee: '54395', codePostal: '' }), TODAY);
      expect(nancy.ok && [nancy.value.codePostal, nancy.value.departement]).toEqual(['54000', '54']);
    });

    it('accepts a Corsican INSEE code in lower case', () => {
      const r = validateCandidature(input({ communeInsee: '2a004', codePostal: '20000' }), TODAY);
      expect(r.ok && r.value.communeInsee).toBe('2A004');
    });
  });

  describe('the other fields', () => {
    it('needs a known structure type', () => {
      expect(errors({ type: 'association' }).type).toBeUndefined();
      expect(errors({ type: 'entreprise' }).type).toMatch(/type/);
      for (const proto of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) expect(errors({ type: proto }).type).toMatch(/type/);
    });

    it('bounds the names, address and function', () => {
      expect(errors({ nom: 'x'.repeat(LIMITES.nom) }).nom).toBeUndefined();
      expect(errors({ nom: 'x'.repeat(LIMITES.nom + 1) }).nom).toMatch(/au plus/);
      expect(errors({ nom: '  ' }).nom).toMatch(/Saisissez/);
      expect(errors({ adresse: 'x'.repeat(LIMITES.adresse + 1) }).adresse).toMatch(/au plus/);
      expect(errors({ contactPrenom: 'x'.repeat(LIMITES.prenom + 1) }).contactPrenom).toMatch(/au plus/);
      expect(errors({ contactNom: 'x'.repeat(LIMITES.nomContact + 1) }).contactNom).toMatch(/au plus/);
      expect(errors({ contactFonction: '' }).contactFonction).toMatch(/Saisissez/);
      expect(errors({ contactFonction: 'x'.repeat(LIMITES.fonction + 1) }).contactFonction).toMatch(/au plus/);
    });

    it('needs a valid e-mail address', () => {
      for (const bad of ['', 'camille', 'camille@metz', 'camille martin@metz.fr', '@metz.fr', `${'x'.repeat(250)}@metz.fr`]) {
        expect(errors({ contactEmail: bad }).contactEmail, bad).toBeDefined();
      }
    });

    it('refuses values of the wrong type without throwing', () => {
      const r = validateCandidature(input({ nom: 42 as unknown as string, motivation: null as unknown as string, postesSouhaites: true as unknown as number }), TODAY);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['motivation', 'nom', 'postesSouhaites']);
    });
  });
});

describe('helpers', () => {
  it('entier reads whole numbers only', () => {
    expect(entier(3)).toBe(3);
    expect(entier(' 12 ')).toBe(12);
    expect(entier(0)).toBe(0);
    for (const v of [1.5, '1.5', '', 'abc', '-2', null, undefined, true, '1234567', Number.NaN]) expect(entier(v)).toBeNaN();
  });

  it('truthy knows form checkboxes and JSON booleans', () => {
    for (const v of [true, 'true', 'on', 'oui', '1']) expect(truthy(v)).toBe(true);
    for (const v of [false, 'false', 'off', 'non', '0', '', undefined, null, 1]) expect(truthy(v)).toBe(false);
  });

  it('isStatut knows the statuses and nothing inherited', () => {
    for (const s of Object.keys(STATUTS)) expect(isStatut(s)).toBe(true);
    for (const s of ['creee', 'VALIDEE', 'toString', 'constructor', '__proto__', '', 3, null]) expect(isStatut(s)).toBe(false);
  });

  it('the status sets agree with the domain', () => {
    expect([...STATUTS_AVIS].sort()).toEqual(['CREEE', 'EXAMEN_COMPLEMENTAIRE_COSELEC']);
    expect([...STATUTS_CLOS].sort()).toEqual(['ABANDON', 'ANNULEE', 'DOUBLON']);
    expect(STATUT_APRES_DECISION).toEqual({ POSITIF: 'VALIDATION_COSELEC', NEGATIF: 'REFUS_COSELEC', EXAMEN_COMPLEMENTAIRE: 'EXAMEN_COMPLEMENTAIRE_COSELEC' });
  });
});

describe('validateAvis', () => {
  it('needs favorable or defavorable', () => {
    expect(validateAvis('favorable', 'Un projet solide.')).toEqual({ ok: true, avis: 'favorable', commentaire: 'Un projet solide.' });
    expect(validateAvis('defavorable', 'Besoin non démontré.').ok).toBe(true);
    for (const a of ['Favorable', 'défavorable', '', undefined, 'toString', 1]) {
      const r = validateAvis(a, 'Un commentaire suffisant.');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.avis).toBeDefined();
    }
  });

  it('needs a comment of 10 to 1,000 characters once trimmed', () => {
    const at = (c: unknown) => {
      const r = validateAvis('favorable', c);
      return r.ok ? null : (r.errors.commentaire ?? null);
    };
    expect(at('x'.repeat(10))).toBeNull();
    expect(at('x'.repeat(9))).toMatch(/au moins 10 caractères \(vous en avez saisi 9\)/);
    expect(at(`   ${'x'.repeat(9)}   `)).toMatch(/au moins 10/);
    expect(at('x'.repeat(1000))).toBeNull();
    expect(at('x'.repeat(1001))).toMatch(/au plus 1000 caractères \(vous en avez saisi 1001\)/);
    expect(at('')).toMatch(/au moins/);
    expect(at(undefined)).toMatch(/au moins/);
    expect(at(12345678901)).toMatch(/au moins/);
    const r = validateAvis('favorable', '  Avis motivé du préfet.  ');
    expect(r.ok && r.commentaire).toBe('Avis motivé du préfet.');
  });

  it('reports both problems together', () => {
    const r = validateAvis('peut-être', 'court');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['avis', 'commentaire']);
  });
});

describe('validateDecision', () => {
  it('POSITIF grants 1 to 500 posts', () => {
    expect(validateDecision('POSITIF', '2', '  Bon dossier  ')).toEqual({ ok: true, avis: 'POSITIF', postes: 2, observation: 'Bon dossier' });
    expect(validateDecision('POSITIF', 1, undefined)).toEqual({ ok: true, avis: 'POSITIF', postes: 1, observation: null });
    expect(validateDecision('POSITIF', LIMITES.postesMax, '').ok).toBe(true);
    for (const p of [0, '0', '', undefined, null, '-1', 1.5, 'deux', LIMITES.postesMax + 1]) {
      const r = validateDecision('POSITIF', p, null);
      expect(r.ok, String(p)).toBe(false);
      if (!r.ok) expect(r.errors.postes).toBeDefined();
    }
  });

  it('NEGATIF and EXAMEN_COMPLEMENTAIRE grant no post', () => {
    for (const avis of ['NEGATIF', 'EXAMEN_COMPLEMENTAIRE'] as const) {
      for (const p of [undefined, null, '', '0', 0]) expect(validateDecision(avis, p, null)).toEqual({ ok: true, avis, postes: 0, observation: null });
      for (const p of [1, '2', 'abc', -1]) {
        const r = validateDecision(avis, p, null);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.errors.postes).toMatch(/positive/);
      }
    }
  });

  it('needs a known decision', () => {
    for (const a of Object.keys(AVIS_COSELEC)) expect(validateDecision(a, a === 'POSITIF' ? 1 : 0, null).ok).toBe(true);
    for (const a of ['positif', 'REFUS', '', undefined, 1, 'toString', 'constructor', '__proto__', 'valueOf']) {
      const r = validateDecision(a, 0, null);
      expect(r.ok, String(a)).toBe(false);
      if (!r.ok) expect(r.errors.avis).toBeDefined();
    }
  });

  it('bounds the observation at 1,000 characters', () => {
    expect(validateDecision('NEGATIF', 0, 'x'.repeat(LIMITES.observation)).ok).toBe(true);
    const r = validateDecision('NEGATIF', 0, 'x'.repeat(LIMITES.observation + 1));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.observation).toBeDefined();
    expect(validateDecision('NEGATIF', 0, '   ')).toMatchObject({ ok: true, observation: null });
  });
});

describe('depassements', () => {
  const actuels = new Map([
    ['57', { enveloppe: 3, postesValides: 1 }],
    ['54', { enveloppe: 5, postesValides: 7 }], // already above (a derogation, or a lowered wave)
    ['FR', { enveloppe: 100, postesValides: 50 }],
  ]);

  it('lets a territory reach its envelope exactly, not one post more', () => {
    expect(depassements(actuels, new Map([['57', 2]]))).toEqual([]);
    expect(depassements(actuels, new Map([['57', 3]]))).toEqual([{ code: '57', enveloppe: 3, avant: 1, apres: 4 }]);
    expect(depassements(actuels, new Map([['FR', 50]]))).toEqual([]);
    expect(depassements(actuels, new Map([['FR', 51]]))).toEqual([{ code: 'FR', enveloppe: 100, avant: 50, apres: 101 }]);
  });

  it('never blames a territory whose posts do not grow, even above its envelope', () => {
    expect(depassements(actuels, new Map([['54', 0]]))).toEqual([]);
    expect(depassements(actuels, new Map([['54', -1]]))).toEqual([]);
    expect(depassements(actuels, new Map([['54', -7], ['57', -1], ['FR', -8]]))).toEqual([]);
    // …but one that is above and still grows is.
    expect(depassements(actuels, new Map([['54', 1]]))).toEqual([{ code: '54', enveloppe: 5, avant: 7, apres: 8 }]);
  });

  it('treats a territory without an envelope as an envelope of 0', () => {
    expect(depassements(actuels, new Map([['88', 1]]))).toEqual([{ code: '88', enveloppe: 0, avant: 0, apres: 1 }]);
    expect(depassements(new Map(), new Map([['88', 0]]))).toEqual([]);
  });

  it('lists every territory at fault, by code', () => {
    const r = depassements(
      actuels,
      new Map([
        ['FR', 60],
        ['57', 5],
        ['54', 2],
        ['88', 0],
      ]),
    );
    expect(r.map((d) => d.code)).toEqual(['54', '57', 'FR']);
    expect(r.find((d) => d.code === 'FR')).toEqual({ code: 'FR', enveloppe: 100, avant: 50, apres: 110 });
  });
});

describe('avenantProblem', () => {
  const base = { type: 'ajout', postes: '2', motif: 'Deux nouveaux quartiers à couvrir.', statut: 'VALIDATION_COSELEC' as Statut, postesEnForce: 3, conseillersEnPoste: 1, enCours: false };

  it('accepts a complete request', () => {
    expect(avenantProblem(base)).toBeNull();
    expect(avenantProblem({ ...base, type: 'retrait', postes: 2 })).toBeNull();
    expect(avenantProblem({ ...base, type: 'coordinateur', postes: 1 })).toBeNull();
  });

  it('refuses a second request while one is in progress, whatever it asks', () => {
    expect(avenantProblem({ ...base, enCours: true })).toMatchObject({ field: 'statut', message: expect.stringMatching(/déjà en cours/) });
    expect(avenantProblem({ ...base, enCours: true, type: 'retrait', postes: 1 })?.field).toBe('statut');
  });

  it('concerns validated files only', () => {
    for (const statut of Object.keys(STATUTS) as Statut[]) {
      const p = avenantProblem({ ...base, statut });
      if (statut === 'VALIDATION_COSELEC') expect(p).toBeNull();
      else expect(p, statut).toMatchObject({ field: 'statut', message: expect.stringMatching(/validées/) });
    }
  });

  it('needs a known type', () => {
    for (const type of ['', 'suppression', 'AJOUT', undefined, 'toString']) expect(avenantProblem({ ...base, type })?.field).toBe('type');
  });

  it('needs 1 to 500 posts', () => {
    for (const postes of [0, '0', '', undefined, '-1', 1.5, 'trois', LIMITES.postesMax + 1]) expect(avenantProblem({ ...base, postes })?.field, String(postes)).toBe('postes');
    expect(avenantProblem({ ...base, postes: LIMITES.postesMax })).toBeNull();
  });

  it('returns at most the posts in force minus the conseillers in post', () => {
    // 3 in force, 1 occupied: 2 free.
    expect(avenantProblem({ ...base, type: 'retrait', postes: 2 })).toBeNull();
    expect(avenantProblem({ ...base, type: 'retrait', postes: 3 })).toEqual({ field: 'postes', message: expect.stringMatching(/au plus 2 postes : 3 en vigueur, dont 1 occupé /) });
    // No conseiller: everything may be returned.
    expect(avenantProblem({ ...base, type: 'retrait', postes: 3, conseillersEnPoste: 0 })).toBeNull();
    expect(avenantProblem({ ...base, type: 'retrait', postes: 4, conseillersEnPoste: 0 })?.field).toBe('postes');
    // Every post occupied: nothing may be returned.
    expect(avenantProblem({ ...base, type: 'retrait', postes: 1, conseillersEnPoste: 3 })).toEqual({ field: 'postes', message: expect.stringMatching(/au plus 0 poste :/) });
    // More conseillers than posts (recorded before a lowering): still nothing, never a negative number.
    const over = avenantProblem({ ...base, type: 'retrait', postes: 1, conseillersEnPoste: 5 });
    expect(over?.field).toBe('postes');
    expect(over?.message).not.toMatch(/-\d/);
    // An addition is not limited by the free posts.
    expect(avenantProblem({ ...base, type: 'ajout', postes: 10, conseillersEnPoste: 3 })).toBeNull();
  });

  it('a coordinator request is for exactly 1 post', () => {
    expect(avenantProblem({ ...base, type: 'coordinateur', postes: '1' })).toBeNull();
    expect(avenantProblem({ ...base, type: 'coordinateur', postes: 2 })).toMatchObject({ field: 'postes', message: expect.stringMatching(/1 poste/) });
    expect(avenantProblem({ ...base, type: 'coordinateur', postes: 0 })?.field).toBe('postes');
  });

  it('needs a reason of at most 1,000 characters', () => {
    for (const motif of ['', '   ', undefined, null, 42]) expect(avenantProblem({ ...base, motif })?.field).toBe('motif');
    expect(avenantProblem({ ...base, motif: 'x'.repeat(LIMITES.motif) })).toBeNull();
    expect(avenantProblem({ ...base, motif: 'x'.repeat(LIMITES.motif + 1) })?.field).toBe('motif');
  });
});

describe('postesApresAvenant', () => {
  it('adds, returns (never below 0) and adds the coordinator post', () => {
    expect(postesApresAvenant('ajout', 3, 2)).toBe(5);
    expect(postesApresAvenant('ajout', 0, 1)).toBe(1);
    expect(postesApresAvenant('retrait', 3, 2)).toBe(1);
    expect(postesApresAvenant('retrait', 3, 3)).toBe(0);
    expect(postesApresAvenant('retrait', 2, 5)).toBe(0);
    expect(postesApresAvenant('coordinateur', 2, 1)).toBe(3);
  });
});

describe('prochaineEtape', () => {
  it('says, for every status, where the file stands in plain French', () => {
    const seen = new Set<string>();
    for (const s of Object.keys(STATUTS) as Statut[]) {
      const t = prochaineEtape(s, false);
      expect(t, s).toMatch(/\S/);
      seen.add(t);
    }
    expect(seen.size).toBe(Object.keys(STATUTS).length);
  });

  it('tells a new file apart once the préfet has given an opinion', () => {
    expect(prochaineEtape('CREEE', false)).toMatch(/attente de l'avis du préfet/);
    expect(prochaineEtape('CREEE', true)).toMatch(/comité de sélection/);
    expect(prochaineEtape('CREEE', true)).not.toBe(prochaineEtape('CREEE', false));
    expect(prochaineEtape('VALIDATION_COSELEC', true)).toMatch(/recruter/);
    expect(prochaineEtape('REFUS_COSELEC', true)).toMatch(/pas été retenue/);
    expect(prochaineEtape('ABANDON', false)).toMatch(/clos/);
  });
});
