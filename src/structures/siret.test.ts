import { describe, expect, it } from 'vitest';
import { luhnValid, normaliseSiret, siretProblem, withLuhnKey } from './siret.js';

describe('SIRET', () => {
  it.each([
    ['21570463000015', null], // a Luhn-valid 14-digit number
    ['73282932000074', null],
    ['35600000000048', null], // La Poste: SIREN 356000000, sum of digits multiple of 5
  ])('accepts %s', (siret, expected) => {
    expect(siretProblem(siret)).toBe(expected);
  });

  it.each([
    ['', 'Saisissez le numéro SIRET.'],
    ['1234567890123', 'Le SIRET compte 14 chiffres (vous en avez saisi 13).'],
    ['123456789012345', 'Le SIRET compte 14 chiffres (vous en avez saisi 15).'],
    ['2157046300001A', 'Le SIRET ne doit contenir que des chiffres.'],
    ['21570463000016', "Ce SIRET n'est pas valide : vérifiez les chiffres (clé de contrôle incorrecte)."],
    ['00000000000000', "Ce SIRET n'existe pas."],
    ['35600000000049', "Ce SIRET de La Poste n'est pas valide."],
  ])('rejects %j with a French message', (siret, message) => {
    expect(siretProblem(siret)).toBe(message);
  });

  it('normalises spaces, dots and dashes', () => {
    expect(normaliseSiret(' 215 704 630 00015 ')).toBe('21570463000015');
    expect(normaliseSiret('215.704.630-00015')).toBe('21570463000015');
  });

  it('computes a Luhn key that makes any prefix valid', () => {
    for (const prefix of ['9990000000001', '1234567890123', '0000000000000']) {
      const s = withLuhnKey(prefix);
      expect(s).toHaveLength(14);
      expect(luhnValid(s)).toBe(true);
      expect(luhnValid(prefix + ((Number(s[13]) + 1) % 10))).toBe(false);
    }
  });
});
