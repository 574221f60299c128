import { describe, expect, it } from 'vitest';
import {
  addMonths,
  BAREME_PAR_DEFAUT,
  coutFormation,
  estCertifie,
  heuresParcours,
  heuresRealisees,
  HEURES_MAX,
  HEURES_MIN,
  moduleDu,
  statutModule,
  statutParcours,
  validateAjustement,
  validateBareme,
  validateCertification,
  validateModule,
  validatePositionnement,
  validatePresence,
  validateSession,
  validateSujet,
} from './regles.js';

describe('the path from the entry assessment', () => {
  it('gives the documented default: level 1 → 315 h, level 2 → 140 h, level 3 → 70 h', () => {
    expect(heuresParcours(1)).toBe(315);
    expect(heuresParcours(2)).toBe(140);
    expect(heuresParcours(3)).toBe(70);
    expect(BAREME_PAR_DEFAUT).toEqual({ 1: 315, 2: 140, 3: 70 });
  });

  it('follows a configured table, and refuses one outside 70–315 h', () => {
    expect(heuresParcours(2, { 1: 300, 2: 105, 3: 70 })).toBe(105);
    expect(() => heuresParcours(3, { 1: 315, 2: 140, 3: 69 })).toThrow();
    expect(() => heuresParcours(1, { 1: 316, 2: 140, 3: 70 })).toThrow();
    expect(() => heuresParcours(2, { 1: 315, 2: 140.5, 3: 70 })).toThrow();
  });

  it('validates a typed table level by level', () => {
    expect(validateBareme({ niveau1: '315', niveau2: '140', niveau3: '70' })).toEqual({ ok: true, value: { 1: 315, 2: 140, 3: 70 } });
    const bad = validateBareme({ niveau1: '316', niveau2: '69', niveau3: 'x' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['niveau1', 'niveau2', 'niveau3']);
  });

  it('accepts an adjustment within 70–315 h with a reason, and nothing else', () => {
    expect(validateAjustement({ heures: '70', motif: 'Expérience' })).toEqual({ ok: true, value: { heures: 70, motif: 'Expérience' } });
    expect(validateAjustement({ heures: '315', motif: ' Besoin ' })).toEqual({ ok: true, value: { heures: 315, motif: 'Besoin' } });
    for (const h of ['69', '316', '100.5', '', '-70', 'cent']) {
      const r = validateAjustement({ heures: h, motif: 'x' });
      expect(r.ok, h).toBe(false);
      if (!r.ok) expect(r.errors.heures).toContain(`${HEURES_MIN} et ${HEURES_MAX}`);
    }
    const noReason = validateAjustement({ heures: '140', motif: '  ' });
    expect(noReason.ok).toBe(false);
    if (!noReason.ok) expect(Object.keys(noReason.errors)).toEqual(['motif']);
    expect(validateAjustement({ heures: '140', motif: 'x'.repeat(1001) }).ok).toBe(false);
  });

  it('validates the assessment: level 1–3, three competences 1–3, a date not in the future', () => {
    const ok = validatePositionnement({ niveau: '2', competence1: '1', competence2: '2', competence3: '3', date: '2026-11-30' }, '2026-12-01');
    expect(ok).toEqual({ ok: true, value: { niveau: 2, competence1: 1, competence2: 2, competence3: 3, date: '2026-11-30' } });
    const bad = validatePositionnement({ niveau: '4', competence1: '0', competence2: '2', competence3: '', date: '2026-12-02' }, '2026-12-01');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(Object.keys(bad.errors).sort()).toEqual(['competence1', 'competence3', 'date', 'niveau']);
      expect(bad.errors.date).toContain('futur');
    }
  });
});

describe('hours done come from attendance only', () => {
  it('sums the attendance, an enrolment without attendance counting 0', () => {
    expect(heuresRealisees([])).toBe(0);
    expect(heuresRealisees([{ heures: 35 }, { heures: null }, { heures: 35 }])).toBe(70);
  });

  it('refuses attendance over the session length or not a whole number', () => {
    expect(validatePresence({ heures: 35 }, 35)).toEqual({ ok: true, value: { heures: 35 } });
    expect(validatePresence({ heures: '0' }, 35)).toEqual({ ok: true, value: { heures: 0 } });
    const over = validatePresence({ heures: 36 }, 35);
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.errors.heures).toContain('35 h');
    for (const h of [-1, 3.5, '3,5', null, 'x', '']) expect(validatePresence({ heures: h }, 35).ok, String(h)).toBe(false);
  });
});

describe('the status of the initial path', () => {
  const today = '2026-12-03';
  it('is late when the contract started more than 4 months ago and the path is incomplete', () => {
    expect(statutParcours({ heuresRequises: 140, heuresRealisees: 70, debutContrat: '2026-07-03' }, today)).toBe('en_retard'); // 5 months
    expect(statutParcours({ heuresRequises: 140, heuresRealisees: 70, debutContrat: '2026-08-02' }, today)).toBe('en_retard'); // 4 months and a day
    expect(statutParcours({ heuresRequises: 140, heuresRealisees: 70, debutContrat: '2026-08-03' }, today)).toBe('en_cours'); // exactly 4 months
    expect(statutParcours({ heuresRequises: 140, heuresRealisees: 70, debutContrat: '2026-11-01' }, today)).toBe('en_cours');
  });
  it('is late without an assessment too, and not assessed before that', () => {
    expect(statutParcours({ heuresRequises: null, heuresRealisees: 0, debutContrat: '2026-01-01' }, today)).toBe('en_retard');
    expect(statutParcours({ heuresRequises: null, heuresRealisees: 0, debutContrat: '2026-11-01' }, today)).toBe('non_positionne');
    expect(statutParcours({ heuresRequises: null, heuresRealisees: 0, debutContrat: null }, today)).toBe('non_positionne');
  });
  it('is complete once the hours done reach the hours required, however late', () => {
    expect(statutParcours({ heuresRequises: 140, heuresRealisees: 140, debutContrat: '2020-01-01' }, today)).toBe('termine');
    expect(statutParcours({ heuresRequises: 70, heuresRealisees: 75, debutContrat: '2020-01-01' }, today)).toBe('termine');
  });
  it('counts months on the calendar (end of month kept)', () => {
    expect(addMonths('2026-10-31', 4)).toBe('2027-02-28');
    expect(addMonths('2027-10-31', 4)).toBe('2028-02-29');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
  });
});

describe('the annual module', () => {
  it('is owed by a conseiller recruited before the year starts, from 2024', () => {
    expect(moduleDu('2025-12-31', 2026)).toBe(true);
    expect(moduleDu('2026-01-01', 2026)).toBe(false);
    expect(moduleDu('2026-06-01', 2026)).toBe(false);
    expect(moduleDu('2021-06-01', 2023)).toBe(false);
    expect(moduleDu('2021-06-01', 2024)).toBe(true);
    expect(moduleDu(null, 2026)).toBe(false);
  });
  it('is owed, chosen or done', () => {
    expect(statutModule('2021-06-01', 2026, undefined)).toBe('du');
    expect(statutModule('2021-06-01', 2026, { realiseLe: null })).toBe('choisi');
    expect(statutModule('2021-06-01', 2026, { realiseLe: '2026-10-01' })).toBe('realise');
    expect(statutModule('2026-03-01', 2026, undefined)).toBe('non_du');
    expect(statutModule('2026-03-01', 2026, { realiseLe: '2026-10-01' })).toBe('realise');
  });
});

describe('certification', () => {
  const today = '2026-12-03';
  it('needs a date for a CCP obtained or deferred, and no date in the future', () => {
    const ok = validateCertification({ ccp1_resultat: 'obtenu', ccp1_date: '2026-06-30', pix_score: '512', pix_date: '2026-06-15' }, today);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.value).toMatchObject({ ccp1Resultat: 'obtenu', ccp1Date: '2026-06-30', pixScore: 512, pixDate: '2026-06-15', ccp2Resultat: null, ccp3Resultat: null });
    const future = validateCertification({ ccp1_resultat: 'obtenu', ccp1_date: '2026-12-04' }, today);
    expect(future.ok).toBe(false);
    if (!future.ok) expect(future.errors).toEqual({ ccp1_date: 'La date ne peut pas être dans le futur.' });
    const missing = validateCertification({ ccp1_resultat: 'reporte', pix_score: '300' }, today);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(Object.keys(missing.errors).sort()).toEqual(['ccp1_date', 'pix_date']);
    const odd = validateCertification({ ccp2_resultat: 'reussi', pix_score: '2000', pix_date: '2026-01-01' }, today);
    expect(odd.ok).toBe(false);
    if (!odd.ok) expect(Object.keys(odd.errors).sort()).toEqual(['ccp2_resultat', 'pix_score']);
  });
  it('is certified with the CCP1 obtained and a Pix score', () => {
    expect(estCertifie({ ccp1Resultat: 'obtenu', pixScore: 400 })).toBe(true);
    expect(estCertifie({ ccp1Resultat: 'obtenu', pixScore: null })).toBe(false);
    expect(estCertifie({ ccp1Resultat: 'reporte', pixScore: 400 })).toBe(false);
    expect(estCertifie(undefined)).toBe(false);
  });
});

describe('the cost', () => {
  it('is hours × the provider’s hourly rate, in integer cents, summed over providers', () => {
    expect(coutFormation([])).toBe(0);
    expect(coutFormation([{ heures: 70, tauxHoraireCentimes: 2_550 }])).toBe(178_500);
    expect(coutFormation([{ heures: 70, tauxHoraireCentimes: 2_550 }, { heures: 14, tauxHoraireCentimes: 3_000 }])).toBe(220_500);
    expect(Number.isInteger(coutFormation([{ heures: 315, tauxHoraireCentimes: 3_333 }]))).toBe(true);
  });
});

describe('sessions, modules, topics', () => {
  it('validates a session and names each bad field', () => {
    const ok = validateSession({ titre: 'Accueillir les publics', debut: '2026-12-07', fin: '2026-12-11', heures: '35', lieu: 'Metz', capacite: '12' });
    expect(ok).toEqual({ ok: true, value: { titre: 'Accueillir les publics', debut: '2026-12-07', fin: '2026-12-11', heures: 35, lieu: 'Metz', aDistance: false, capacite: 12, moduleId: null } });
    expect(validateSession({ titre: 'À distance', debut: '2026-12-07', fin: '2026-12-07', heures: '7', a_distance: 'oui', capacite: '30' }).ok).toBe(true);
    const bad = validateSession({ titre: '', debut: '2026-12-07', fin: '2026-12-01', heures: '0', capacite: '0' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['capacite', 'fin', 'heures', 'lieu', 'titre']);
  });
  it('accepts a module of 7 or 14 hours only', () => {
    expect(validateModule({ annee: '2026', titre: 'IA', heures: '7', organisme_id: 'x' }, 2026).ok).toBe(true);
    expect(validateModule({ annee: '2026', titre: 'IA', heures: '14', organisme_id: 'x' }, 2026).ok).toBe(true);
    const r = validateModule({ annee: '2023', titre: 'IA', heures: '10', organisme_id: '' }, 2026);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['annee', 'heures', 'organisme_id']);
  });
  it('limits a proposed topic', () => {
    expect(validateSujet({ sujet: ' Cybersécurité ' })).toEqual({ ok: true, value: { sujet: 'Cybersécurité' } });
    expect(validateSujet({ sujet: '' }).ok).toBe(false);
    expect(validateSujet({ sujet: 'x'.repeat(201) }).ok).toBe(false);
  });
});
