import { describe, expect, it } from 'vitest';
import {
  addMonths,
  attribuerPostes,
  calculerConvention,
  centimes,
  finMaximale,
  historiquePoste,
  moisEntre,
  montantEnLettres,
  montantUnitaire,
  regimeOuvert,
  validateDates,
  validateRegime,
  validateVersement,
  type ConventionSpec,
} from './regles.js';

const PREMIER = { montantPosteCentimes: 5_000_000, moisFinances: 24, bonificationCentimes: 750_000 };

function spec(p: Partial<ConventionSpec> = {}): ConventionSpec {
  return { ...PREMIER, prioritaire: false, debut: '2025-01-01', fin: finMaximale('2025-01-01'), postes: [{ numero: 1, debut: '2025-01-01', renduLe: null }], contrats: [], verseCentimes: 0, renouvellement: false, ...p };
}

describe('calendar', () => {
  it('adds months, keeping the month end', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-11-15', 3)).toBe('2026-02-15');
    expect(addMonths('2025-03-01', -3)).toBe('2024-12-01');
  });

  it('an agreement runs at most 36 months: the day before the third anniversary', () => {
    expect(finMaximale('2025-01-01')).toBe('2027-12-31');
    expect(finMaximale('2024-02-29')).toBe('2027-02-27');
  });

  it('counts calendar months, both ends included, and parts of months by their days', () => {
    expect(moisEntre('2025-01-01', '2025-06-30')).toBe(6);
    expect(moisEntre('2025-01-01', '2026-12-31')).toBe(24);
    expect(moisEntre('2025-01-15', '2025-02-14')).toBe(1);
    expect(moisEntre('2025-04-01', '2025-04-15')).toBe(0.5);
    expect(moisEntre('2025-04-02', '2025-04-01')).toBe(0);
  });
});

describe('amounts', () => {
  it('posts × amount, plus the bonification in a priority territory', () => {
    expect(2 * montantUnitaire(PREMIER, false)).toBe(10_000_000);
    expect(2 * montantUnitaire(PREMIER, true)).toBe(11_500_000);
    const two = calculerConvention(spec({ postes: [{ numero: 1, debut: '2025-01-01', renduLe: null }, { numero: 2, debut: '2025-01-01', renduLe: null }] }), '2025-01-01');
    expect(two.montantCentimes).toBe(10_000_000);
    expect(calculerConvention(spec({ prioritaire: true, postes: [{ numero: 1, debut: '2025-01-01', renduLe: null }, { numero: 2, debut: '2025-01-01', renduLe: null }] }), '2025-01-01').montantCentimes).toBe(11_500_000);
  });

  it('writes amounts in words as an agreement does', () => {
    expect(montantEnLettres(10_000_000)).toBe('cent mille euros');
    expect(montantEnLettres(11_500_000)).toBe('cent quinze mille euros');
    expect(montantEnLettres(100_000_000)).toBe("un million d'euros");
    expect(montantEnLettres(5_750_050)).toBe('cinquante-sept mille cinq cents euros et cinquante centimes');
    expect(montantEnLettres(100)).toBe('un euro');
    expect(montantEnLettres(1)).toBe('un centime');
  });
});

describe('posts and contracts', () => {
  const P = [1, 2].map((numero) => ({ numero, debut: '2025-01-01', renduLe: null }));

  it('gives each contract the lowest free post, a renewal the post of the contract it renews', () => {
    const { occupations, sansPoste } = attribuerPostes(P, [
      { id: 'a', nom: 'Alice', debut: '2025-02-01', fin: '2025-05-31', renouvelle: null },
      { id: 'b', nom: 'Bruno', debut: '2025-03-01', fin: null, renouvelle: null },
      { id: 'c', nom: 'Alice', debut: '2025-06-01', fin: null, renouvelle: 'a' },
      { id: 'd', nom: 'Chloé', debut: '2025-07-01', fin: null, renouvelle: null },
    ]);
    expect(occupations.get(1)!.map((o) => o.contratId)).toEqual(['a', 'c']);
    expect(occupations.get(2)!.map((o) => o.contratId)).toEqual(['b']);
    expect(sansPoste.map((c) => c.id)).toEqual(['d']);
  });

  it('a returned post takes no contract from its return date', () => {
    const { occupations } = attribuerPostes([{ numero: 1, debut: '2025-01-01', renduLe: '2025-03-01' }, { numero: 2, debut: '2025-01-01', renduLe: null }], [{ id: 'a', nom: 'A', debut: '2025-04-01', fin: null, renouvelle: null }]);
    expect(occupations.get(1)).toEqual([]);
    expect(occupations.get(2)!.length).toBe(1);
  });

  it('dates the history of a post: vacant, occupied by whom, vacant again, returned', () => {
    const h = historiquePoste({ numero: 1, debut: '2025-01-01', renduLe: '2025-09-01' }, [{ contratId: 'a', nom: 'Alice', du: '2025-02-01', au: '2025-05-31' }], '2025-10-10');
    expect(h).toEqual([
      { etat: 'vacant', du: '2025-01-01', au: '2025-01-31' },
      { etat: 'occupe', du: '2025-02-01', au: '2025-05-31', contratId: 'a', nom: 'Alice' },
      { etat: 'vacant', du: '2025-06-01', au: '2025-08-31' },
      { etat: 'rendu', du: '2025-09-01', au: null },
    ]);
    const now = historiquePoste({ numero: 1, debut: '2025-01-01', renduLe: null }, [{ contratId: 'a', nom: 'Alice', du: '2025-02-01', au: null }], '2025-03-10');
    expect(now[now.length - 1]).toEqual({ etat: 'occupe', du: '2025-02-01', au: null, contratId: 'a', nom: 'Alice' });
  });
});

describe('justified and to repay', () => {
  it('a post vacant half of the funded period justifies half of its amount; the rest is repaid at the end', () => {
    // Funded 24 months from 2025-01-01; vacant the first 12, occupied the next 12, then the agreement (24 months here) ends.
    const s = spec({ fin: '2026-12-31', contrats: [{ id: 'a', nom: 'Alice', debut: '2026-01-01', fin: null, renouvelle: null }], verseCentimes: 5_000_000 });
    const k = calculerConvention(s, '2027-03-01');
    // By hand: 50,000 € × 12 months ÷ 24 months = 25,000 € justified; 50,000 € paid − 25,000 € = 25,000 € to repay.
    expect(k.postes[0]!.moisOccupes).toBe(12);
    expect(k.justifieCentimes).toBe(2_500_000);
    expect(k.encoreJustifiableCentimes).toBe(0);
    expect(k.aReverserCentimes).toBe(2_500_000);
    expect(k.postes[0]!.calcul.replace(/\u202f/g, ' ')).toContain('12 mois occupés × 50 000,00 € ÷ 24 mois financés = 25 000,00 €');
  });

  it('during the agreement, only what can no longer be justified is to repay', () => {
    // Vacant for 12 of 36 months, paid in full: 24 months remain, enough to justify everything.
    const k = calculerConvention(spec({ verseCentimes: 5_000_000 }), '2025-12-31');
    expect(k.justifieCentimes).toBe(0);
    expect(k.encoreJustifiableCentimes).toBe(5_000_000);
    expect(k.aReverserCentimes).toBe(0);
    // With 6 months left and nothing justified, at most 6/24 can still be justified: 37,500 € are lost.
    const late = calculerConvention(spec({ verseCentimes: 5_000_000 }), '2027-06-30');
    expect(late.encoreJustifiableCentimes).toBe(1_250_000);
    expect(late.aReverserCentimes).toBe(3_750_000);
  });

  it('caps a post at its amount, and prorates a returned post to its return date', () => {
    const full = calculerConvention(spec({ contrats: [{ id: 'a', nom: 'A', debut: '2025-01-01', fin: null, renouvelle: null }] }), '2027-12-31');
    expect(full.postes[0]!.moisOccupes).toBe(36);
    expect(full.justifieCentimes).toBe(5_000_000);
    const rendu = calculerConvention(spec({ postes: [{ numero: 1, debut: '2025-01-01', renduLe: '2025-07-01' }], contrats: [{ id: 'a', nom: 'A', debut: '2025-01-01', fin: '2025-06-30', renouvelle: null }] }), '2026-01-01');
    expect(rendu.postes[0]!.etat).toBe('rendu');
    expect(rendu.montantCentimes).toBe(1_250_000); // 50,000 € × 6 ÷ 24
    expect(rendu.justifieCentimes).toBe(1_250_000);
  });

  it('flags a post vacant for more than 3 months, and an end within 90 days with no renewal', () => {
    const k = calculerConvention(spec({ fin: '2025-06-30' }), '2025-04-15');
    expect(k.alertes.map((a) => a.type).sort()).toEqual(['fin_sans_renouvellement', 'poste_vacant']);
    expect(calculerConvention(spec({ fin: '2025-06-30', renouvellement: true }), '2025-01-15').alertes).toEqual([]);
  });
});

describe('input', () => {
  it('refuses dates past 36 months, an end before the start, impossible dates', () => {
    expect(validateDates('2025-01-01', '2027-12-31').ok).toBe(true);
    expect(validateDates('2025-01-01', '2028-01-01')).toMatchObject({ ok: false, errors: { date_fin: expect.stringContaining('36 mois') } });
    expect(validateDates('2025-01-01', '2024-12-31')).toMatchObject({ ok: false, errors: { date_fin: expect.any(String) } });
    expect(validateDates('2025-02-30', '2025-12-31')).toMatchObject({ ok: false, errors: { date_debut: expect.any(String) } });
  });

  it('amounts are whole non-negative cents', () => {
    expect(centimes(5000)).toBe(5000);
    expect(centimes('5000')).toBe(5000);
    for (const bad of [-1, 1.5, '12.5', '-3', '1e3', {}, null]) expect(centimes(bad)).toBeNaN();
    expect(validateVersement({ date: '2025-01-01', montantCentimes: -100, reference: 'V1' })).toMatchObject({ ok: false, errors: { montant_centimes: expect.any(String) } });
    expect(validateVersement({ date: '2025-01-01', montantCentimes: 10.5, reference: 'V1' })).toMatchObject({ ok: false, errors: { montant_centimes: expect.any(String) } });
    expect(validateVersement({ date: '2025-01-01', montantCentimes: 100, reference: 'x'.repeat(101) })).toMatchObject({ ok: false, errors: { reference: expect.any(String) } });
  });

  it('a regime is open over its entry period, the latest opened first', () => {
    const r = [
      { id: 'a', entreeDu: '2020-11-01', entreeAu: '2023-12-31', nature: 'conventionnement' },
      { id: 'b', entreeDu: '2024-01-01', entreeAu: null, nature: 'conventionnement' },
      { id: 'c', entreeDu: '2023-06-01', entreeAu: null, nature: 'reconventionnement' },
    ];
    expect(regimeOuvert(r, 'conventionnement', '2021-05-12')?.id).toBe('a');
    expect(regimeOuvert(r, 'conventionnement', '2026-05-12')?.id).toBe('b');
    expect(regimeOuvert(r, 'reconventionnement', '2023-01-01')).toBeUndefined();
    expect(validateRegime({ nom: 'X', entreeDu: '2024-01-01', entreeAu: '2023-01-01', montantPosteCentimes: 100, moisFinances: 24, bonificationCentimes: 0, nature: 'conventionnement' })).toMatchObject({ ok: false, errors: { entree_au: expect.any(String) } });
    expect(validateRegime({ nom: 'X', entreeDu: '2024-01-01', entreeAu: '', montantPosteCentimes: '100', moisFinances: '36', bonificationCentimes: '', nature: 'reconventionnement' })).toMatchObject({ ok: true, value: { entreeAu: null, bonificationCentimes: 0, moisFinances: 36 } });
  });
});
