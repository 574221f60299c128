import { describe, expect, it } from 'vitest';
import { validateActivite, formToPayload, accompagnementsOf, type ValidationContext } from './validation.js';
import { addMonths, isCalendarDate, parisDate } from './dates.js';
import { trancheAge, trancheDuree } from './codes.js';

const LIEU = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const ctx: ValidationContext = {
  today: '2026-11-20',
  startDate: '2026-01-15',
  lieux: [{ id: LIEU, communeInsee: '57463' }],
  communeExists: (c) => ['57463', '57058', '2A004'].includes(c.toUpperCase()),
};

const base = {
  id: '8f0c6a4e-2b1d-4c3e-9f10-1a2b3c4d5e6f',
  type: 'individuel',
  date: '2026-11-20',
  duree_minutes: 45,
  lieu: { type: 'domicile', commune_insee: '57058' },
  thematiques: ['email', 'aide_aux_demarches_administratives'],
  thematiques_demarches: ['logement'],
  nom_demarche: "Demande d'APL",
  materiel: ['ordinateur'],
  autonomie: 'partiellement_autonome',
  orientation: 'aide_sociale',
  beneficiaire_id: null,
  notes: 'RAS',
};

const atelier = {
  ...base,
  type: 'collectif',
  autonomie: null,
  titre_atelier: 'Premiers pas sur tablette',
  niveau_atelier: 'debutant',
  participants: { total: 8, deja_accompagnes: 2, genres: { feminin: 5, masculin: 3 }, tranches_age: { soixante_soixante_neuf: 6 }, statuts: { retraite: 6 } },
};

function errorsOf(input: unknown, c: ValidationContext = ctx): Record<string, string> {
  const r = validateActivite(input, c);
  if (r.ok) throw new Error('expected errors, got a valid activity');
  return r.errors;
}

describe('validateActivite', () => {
  it('accepts the contract example and normalises it', () => {
    const r = validateActivite(base, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ type: 'individuel', date: '2026-11-20', duree_minutes: 45, lieu: { type: 'domicile', commune_insee: '57058', lieu_id: null } });
    expect(r.value.participants).toBeNull();
  });

  it('accepts a workshop and fills the unstated remainder as non_communique', () => {
    const r = validateActivite(atelier, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.participants).toEqual({
      total: 8,
      deja_accompagnes: 2,
      genres: { masculin: 3, feminin: 5, non_communique: 0 },
      tranches_age: expect.objectContaining({ soixante_soixante_neuf: 6, non_communique: 2, moins_de_douze: 0 }),
      statuts: expect.objectContaining({ retraite: 6, non_communique: 2, scolarise: 0 }),
    });
    expect(accompagnementsOf(r.value)).toBe(8);
    expect(accompagnementsOf({ type: 'individuel', participants: null })).toBe(1);
  });

  it('rejects a body that is not an object', () => {
    for (const b of [null, 'x', 42, [], true]) expect(Object.keys(errorsOf(b))).toEqual(['body']);
  });

  it('reports one French message per invalid field, and every wrong type', () => {
    const e = errorsOf({ id: 12, type: 'atelier', date: 20261120, duree_minutes: '45', lieu: 'domicile', thematiques: 'email', materiel: 'ordinateur', notes: 5 });
    expect(Object.keys(e).sort()).toEqual(['date', 'duree_minutes', 'id', 'lieu', 'materiel', 'notes', 'thematiques', 'type'].sort());
    expect(e.duree_minutes).toMatch(/nombre entier/);
    expect(e.type).toMatch(/inconnu/);
    for (const m of Object.values(e)) expect(m).toMatch(/[a-zàéèêç]/);
  });

  it('requires at least one known theme', () => {
    expect(errorsOf({ ...base, thematiques: [] }).thematiques).toBe('Choisissez au moins une thématique.');
    expect(errorsOf({ ...base, thematiques: undefined }).thematiques).toBe('Choisissez au moins une thématique.');
    expect(errorsOf({ ...base, thematiques: ['email', 'jardinage'] }).thematiques).toMatch(/code inconnu « jardinage »/);
    expect(errorsOf({ ...base, thematiques: ['email', 3] }).thematiques).toMatch(/code inconnu/);
  });

  it('allows sub-themes and the procedure name only with aide aux démarches administratives', () => {
    const e = errorsOf({ ...base, thematiques: ['email'] });
    expect(e.thematiques_demarches).toMatch(/seulement avec la thématique/);
    expect(e.nom_demarche).toMatch(/seulement avec la thématique/);
    expect(errorsOf({ ...base, thematiques_demarches: ['impots'] }).thematiques_demarches).toMatch(/code inconnu « impots »/);
    const ok = validateActivite({ ...base, thematiques_demarches: undefined, nom_demarche: undefined }, ctx);
    expect(ok.ok).toBe(true);
    expect(errorsOf({ ...base, nom_demarche: 'x'.repeat(201) }).nom_demarche).toMatch(/au plus 200/);
  });

  it('keeps workshop counts within the total', () => {
    expect(errorsOf({ ...atelier, participants: { ...atelier.participants, genres: { feminin: 6, masculin: 3 } } })['participants.genres']).toMatch(
      /somme \(9\) dépasse le nombre total de participants \(8\)/,
    );
    expect(errorsOf({ ...atelier, participants: { ...atelier.participants, tranches_age: { soixante_dix_plus: 9 } } })['participants.tranches_age']).toMatch(/dépasse/);
    expect(errorsOf({ ...atelier, participants: { ...atelier.participants, statuts: { retraite: 5, en_emploi: 4 } } })['participants.statuts']).toMatch(/dépasse/);
    expect(errorsOf({ ...atelier, participants: { ...atelier.participants, deja_accompagnes: 9 } })['participants.deja_accompagnes']).toMatch(/dépassent/);
    expect(errorsOf({ ...atelier, participants: { ...atelier.participants, genres: { autre: 1 } } })['participants.genres']).toMatch(/code inconnu/);
    expect(errorsOf({ ...atelier, participants: { ...atelier.participants, genres: { feminin: -1 } } })['participants.genres']).toMatch(/entier positif/);
    expect(errorsOf({ ...atelier, participants: { ...atelier.participants, total: 0 } })['participants.total']).toMatch(/de 1 à 10000 \(par exemple 8\)/);
    // Empty: say what to type, not a range.
    for (const total of [undefined, null, ''])
      expect(errorsOf({ ...atelier, participants: { ...atelier.participants, total } })['participants.total']).toBe(
        "Indiquez combien de personnes ont participé à l'atelier, en chiffres (par exemple 8).",
      );
    expect(errorsOf({ ...atelier, participants: { ...atelier.participants, total: '8' } })['participants.total']).toMatch(/en chiffres, sans virgule/);
    expect(errorsOf({ ...atelier, participants: undefined }).participants).toMatch(/nombre de participants/);
    expect(errorsOf({ ...atelier, titre_atelier: '' }).titre_atelier).toMatch(/titre/);
    // exactly the total is fine
    expect(validateActivite({ ...atelier, participants: { total: 8, genres: { feminin: 8 } } }, ctx).ok).toBe(true);
  });

  it('keeps workshop-only fields off other types', () => {
    const e = errorsOf({ ...base, titre_atelier: 'x', niveau_atelier: 'debutant', participants: { total: 3 } });
    expect(Object.keys(e).sort()).toEqual(['niveau_atelier', 'participants', 'titre_atelier']);
    expect(errorsOf({ ...atelier, autonomie: 'autonome' }).autonomie).toMatch(/individuel/);
    expect(errorsOf({ ...atelier, beneficiaire_id: LIEU }).beneficiaire_id).toMatch(/anonymes/);
  });

  it('bounds the duration to 1–480 whole minutes', () => {
    expect(validateActivite({ ...base, duree_minutes: 1 }, ctx).ok).toBe(true);
    expect(validateActivite({ ...base, duree_minutes: 480 }, ctx).ok).toBe(true);
    expect(errorsOf({ ...base, duree_minutes: 0 }).duree_minutes).toMatch(/entre 1 et 480/);
    expect(errorsOf({ ...base, duree_minutes: 481 }).duree_minutes).toMatch(/entre 1 et 480/);
    expect(errorsOf({ ...base, duree_minutes: 30.5 }).duree_minutes).toMatch(/entier/);
    expect(errorsOf({ ...base, duree_minutes: null }).duree_minutes).toMatch(/Indiquez la durée/);
  });

  it('refuses a date in the future, before the start, or not a real date', () => {
    expect(errorsOf({ ...base, date: '2026-11-21' }).date).toBe('La date ne peut pas être dans le futur (nous sommes le 20/11/2026).');
    expect(errorsOf({ ...base, date: '2026-01-14' }).date).toMatch(/précéder votre prise de fonction \(le 15\/01\/2026\)/);
    expect(validateActivite({ ...base, date: '2026-01-15' }, ctx).ok).toBe(true);
    expect(validateActivite({ ...base, date: '2020-01-15' }, { ...ctx, startDate: null }).ok).toBe(true);
    expect(errorsOf({ ...base, date: '2026-02-30' }).date).toMatch(/date réelle/);
    expect(errorsOf({ ...base, date: '20/11/2026' }).date).toMatch(/AAAA-MM-JJ/);
    expect(errorsOf({ ...base, date: '' }).date).toMatch(/Indiquez la date/);
  });

  it('refuses a date after the end of the last contract, once none runs', () => {
    const fini = { ...ctx, endDate: '2026-09-30' };
    expect(errorsOf({ ...base, date: '2026-10-01' }, fini).date).toBe('La date ne peut pas suivre la fin de votre contrat (le 30/09/2026).');
    expect(validateActivite({ ...base, date: '2026-09-30' }, fini).ok).toBe(true); // the last day is worked
    expect(errorsOf({ ...base, date: '2026-01-14' }, fini).date).toMatch(/précéder votre prise de fonction/);
    expect(errorsOf({ ...base, date: '2026-11-21' }, fini).date).toMatch(/dans le futur/);
    expect(validateActivite({ ...base, date: '2026-11-20' }, { ...ctx, endDate: null }).ok).toBe(true);
  });

  it('checks the place: a lieu of the conseiller, or a known commune', () => {
    const r = validateActivite({ ...base, lieu: { type: 'lieu_activite', lieu_id: LIEU.toUpperCase() } }, ctx);
    expect(r.ok && r.value.lieu).toEqual({ type: 'lieu_activite', lieu_id: LIEU, commune_insee: '57463' });
    expect(errorsOf({ ...base, lieu: { type: 'lieu_activite', lieu_id: '11111111-1111-4111-8111-111111111111' } })['lieu.lieu_id']).toMatch(/ne fait pas partie/);
    expect(errorsOf({ ...base, lieu: { type: 'lieu_activite' } })['lieu.lieu_id']).toMatch(/UUID/);
    expect(errorsOf({ ...base, lieu: { type: 'autre' } })['lieu.commune_insee']).toMatch(/Indiquez la commune/);
    expect(errorsOf({ ...base, lieu: { type: 'a_distance', commune_insee: '99999' } })['lieu.commune_insee']).toMatch(/Commune inconnue/);
    expect(errorsOf({ ...base, lieu: { type: 'plage', commune_insee: '57058' } })['lieu.type']).toMatch(/Type de lieu inconnu/);
    const corse = validateActivite({ ...base, lieu: { type: 'autre', commune_insee: '2a004' } }, ctx);
    expect(corse.ok && corse.value.lieu.commune_insee).toBe('2A004');
  });

  it('checks equipment, autonomy, orientation, beneficiary and notes', () => {
    expect(errorsOf({ ...base, materiel: ['aucun', 'ordinateur'] }).materiel).toMatch(/Aucun matériel/);
    expect(errorsOf({ ...base, materiel: ['smartphone'] }).materiel).toMatch(/code inconnu/);
    expect(errorsOf({ ...base, autonomie: 'expert' }).autonomie).toMatch(/code inconnu/);
    expect(errorsOf({ ...base, orientation: 'mairie' }).orientation).toMatch(/code inconnu/);
    expect(errorsOf({ ...base, beneficiaire_id: 'jean' }).beneficiaire_id).toMatch(/UUID/);
    expect(errorsOf({ ...base, notes: 'x'.repeat(2001) }).notes).toMatch(/au plus 2000/);
    expect(errorsOf({ ...base, id: 'abc' }).id).toMatch(/UUID/);
  });
});

describe('calendar dates in Europe/Paris', () => {
  it('does not shift around midnight on the spring daylight-saving change (2026-03-29)', () => {
    // 2026-03-29 01:00 UTC+1 → 03:00 UTC+2 at 01:00 UTC
    expect(parisDate(new Date('2026-03-28T22:59:59Z'))).toBe('2026-03-28'); // 23:59:59 in Paris (UTC+1)
    expect(parisDate(new Date('2026-03-28T23:00:00Z'))).toBe('2026-03-29'); // midnight in Paris
    expect(parisDate(new Date('2026-03-29T21:59:59Z'))).toBe('2026-03-29'); // 23:59:59 in Paris (UTC+2)
    expect(parisDate(new Date('2026-03-29T22:00:00Z'))).toBe('2026-03-30');
  });

  it('does not shift around midnight on the autumn change (2026-10-25)', () => {
    expect(parisDate(new Date('2026-10-24T21:59:59Z'))).toBe('2026-10-24'); // 23:59:59 in Paris (UTC+2)
    expect(parisDate(new Date('2026-10-24T22:00:00Z'))).toBe('2026-10-25');
    expect(parisDate(new Date('2026-10-25T22:59:59Z'))).toBe('2026-10-25'); // 23:59:59 in Paris (UTC+1)
    expect(parisDate(new Date('2026-10-25T23:00:00Z'))).toBe('2026-10-26');
  });

  it('judges "in the future" on the Paris calendar date of the clock', () => {
    const at = (iso: string) => ({ ...ctx, today: parisDate(new Date(iso)) });
    // 00:30 in Paris on the 29th (22:30 UTC on the 28th): the 29th is today, not the future
    expect(validateActivite({ ...base, date: '2026-03-29' }, at('2026-03-28T23:30:00Z')).ok).toBe(true);
    expect(errorsOf({ ...base, date: '2026-03-29' }, at('2026-03-28T22:30:00Z')).date).toMatch(/futur/);
    // 23:30 in Paris on the 25th October (22:30 UTC): the 26th is still the future
    expect(validateActivite({ ...base, date: '2026-10-25' }, at('2026-10-25T22:30:00Z')).ok).toBe(true);
    expect(errorsOf({ ...base, date: '2026-10-26' }, at('2026-10-25T22:30:00Z')).date).toMatch(/futur/);
    expect(validateActivite({ ...base, date: '2026-10-26' }, at('2026-10-25T23:00:00Z')).ok).toBe(true);
  });

  it('knows real calendar dates and month arithmetic', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-01-15', -12)).toBe('2025-01-15');
  });
});

describe('derived codes', () => {
  it('buckets durations and ages', () => {
    expect([29, 30, 59, 60, 119, 120].map(trancheDuree)).toEqual(['moins_30', '30_60', '30_60', '60_120', '60_120', 'plus_120']);
    expect(trancheAge(1956, 2026)).toBe('soixante_dix_plus');
    expect(trancheAge(1957, 2026)).toBe('soixante_soixante_neuf');
    expect(trancheAge(2008, 2026)).toBe('dix_huit_vingt_quatre');
    expect(trancheAge(null, 2026)).toBe('non_communique');
  });
});

describe('the commune typed as a name, « à distance » without one, and one person described', () => {
  const withNames: ValidationContext = {
    ...ctx,
    resoudreCommune: (t) => (t.trim().toLowerCase() === 'metz' ? { insee: '57463' } : { error: `Plusieurs communes : ${t}` }),
    communeParDefaut: '57058',
  };
  it('resolves a name through the context, and names the field when it does not designate one commune', () => {
    const r = validateActivite({ ...base, lieu: { type: 'autre', commune: 'Metz' } }, withNames);
    expect(r.ok && r.value.lieu).toEqual({ type: 'autre', lieu_id: null, commune_insee: '57463' });
    expect(errorsOf({ ...base, lieu: { type: 'autre', commune: 'Saint-Martin' } }, withNames)['lieu.commune']).toBe('Plusieurs communes : Saint-Martin');
    expect(errorsOf({ ...base, lieu: { type: 'autre', commune: 'x'.repeat(101) } }, withNames)['lieu.commune']).toMatch(/100 caractères/);
    expect(errorsOf({ ...base, lieu: { type: 'autre', commune: { a: 1 } } }, withNames)['lieu.commune']).toMatch(/doit être un texte/);
  });
  it('counts an activity « à distance » without a commune at the structure\'s, and still requires one elsewhere', () => {
    const r = validateActivite({ ...base, lieu: { type: 'a_distance' } }, withNames);
    expect(r.ok && r.value.lieu).toEqual({ type: 'a_distance', lieu_id: null, commune_insee: '57058' });
    const none = validateActivite({ ...base, lieu: { type: 'a_distance' } }, { ...withNames, communeParDefaut: null });
    expect(none.ok && none.value.lieu.commune_insee).toBeNull();
    expect(errorsOf({ ...base, lieu: { type: 'domicile' } }, withNames)['lieu.commune_insee']).toMatch(/Indiquez la commune/);
  });
  it('takes the optional gender, age and status of one person, never for a workshop', () => {
    const r = validateActivite({ ...base, personne: { genre: 'feminin', tranche_age: 'soixante_dix_plus', statut: 'non_communique' } }, ctx);
    expect(r.ok && r.value.personne).toEqual({ genre: 'feminin', tranche_age: 'soixante_dix_plus', statut: null });
    const nothing = validateActivite({ ...base, personne: { genre: 'non_communique' } }, ctx);
    expect(nothing.ok && nothing.value.personne).toBeNull();
    expect(errorsOf({ ...base, personne: { genre: 'autre' } })['personne.genre']).toMatch(/Genre : code inconnu/);
    expect(errorsOf({ ...base, personne: 'femme' }).personne).toMatch(/objet est attendu/);
    expect(errorsOf({ ...atelier, personne: { genre: 'feminin' } }).personne).toMatch(/effectifs/);
  });
  it('reads the form: a code picked for the text in the field, else the text; one click per line for the person', () => {
    const picked = formToPayload({ type: 'ponctuel', lieu: 'autre', commune: 'Metz (57)', commune_insee: '57463', commune_insee_pour: 'Metz (57)', personne_genre: 'masculin' });
    expect(picked).toMatchObject({ lieu: { type: 'autre', commune_insee: '57463' }, personne: { genre: 'masculin', tranche_age: null, statut: null } });
    const retyped = formToPayload({ type: 'individuel', lieu: 'autre', commune: 'Forbach', commune_insee: '57463', commune_insee_pour: 'Metz (57)' });
    expect(retyped.lieu).toEqual({ type: 'autre', commune: 'Forbach' });
    expect(retyped.personne).toBeUndefined();
    const workshop = formToPayload({ type: 'collectif', lieu: 'autre', commune: 'Metz', personne_genre: 'masculin' });
    expect(workshop.personne).toBeUndefined();
  });
});

describe('formToPayload', () => {
  it('reads the entry form into the API shape', () => {
    const p = formToPayload({
      id: base.id,
      type: 'collectif',
      date: '2026-11-20',
      duree: 'autre',
      duree_autre: '75',
      lieu: 'autre',
      commune_insee: '57463',
      thematiques: ['email', 'bureautique'],
      titre_atelier: 'Atelier',
      participants_total: '8',
      genre_feminin: '5',
      genre_masculin: '',
      age_soixante_dix_plus: 'x',
    });
    expect(p).toMatchObject({ type: 'collectif', duree_minutes: 75, lieu: { type: 'autre', commune_insee: '57463' }, thematiques: ['email', 'bureautique'] });
    expect(p.participants).toMatchObject({ total: 8, genres: { feminin: 5 }, tranches_age: { soixante_dix_plus: 'x' } });
    expect(errorsOf(p)['participants.tranches_age']).toMatch(/entier/);
    const q = formToPayload({ type: 'individuel', duree: '45', lieu: `lieu_activite:${LIEU}`, thematiques: 'email' });
    expect(q).toMatchObject({ duree_minutes: 45, lieu: { type: 'lieu_activite', lieu_id: LIEU }, thematiques: ['email'] });
  });
});

describe('dateLongue and nomActivite', () => {
  it('says a date and an activity in words', async () => {
    const { dateLongue } = await import('./dates.js');
    const { nomActivite } = await import('./views/pages.js');
    expect(dateLongue('2026-12-01')).toBe('1er décembre 2026');
    expect(dateLongue('2026-02-28')).toBe('28 février 2026');
    expect(nomActivite({ type: 'collectif', titreAtelier: 'Reconnaître une arnaque', date: '2026-12-01' })).toBe("l'atelier « Reconnaître une arnaque » du 1er décembre 2026");
    expect(nomActivite({ type: 'individuel', titreAtelier: null, date: '2026-12-02' })).toBe("l'accompagnement individuel du 2 décembre 2026");
    expect(nomActivite({ type: 'ponctuel', titreAtelier: null, date: '2026-08-15' })).toBe("l'aide ponctuelle du 15 août 2026");
  });
});
