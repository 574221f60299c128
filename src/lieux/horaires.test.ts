import { describe, expect, it } from 'vitest';
import { estOuvert, grilleVersOsm, horairesProblem, normaliseRanges, osmVersGrille, parisWallClock, semaineHoraires, statutHoraires } from './horaires.js';

const H = 'Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00';

describe('statutHoraires (Europe/Paris, whatever the server time zone)', () => {
  it('is open with its closing time, in winter (UTC+1)', () => {
    // Tuesday 14 January 2025, 10:30 in Paris = 09:30 UTC
    expect(statutHoraires(H, new Date('2025-01-14T09:30:00Z'))).toEqual({ etat: 'ouvert', texte: 'Ouvert maintenant · ferme à 12 h' });
    // 11:59 Paris: still open; 12:00 Paris: closed, reopens at 14 h
    expect(estOuvert(H, new Date('2025-01-14T10:59:00Z'))).toBe(true);
    expect(statutHoraires(H, new Date('2025-01-14T11:00:00Z'))).toEqual({ etat: 'ferme', texte: 'Fermé · ouvre à 14 h' });
  });

  it('is open with its closing time, in summer (UTC+2)', () => {
    // Wednesday 16 July 2025, 16:15 in Paris = 14:15 UTC
    expect(statutHoraires(H, new Date('2025-07-16T14:15:00Z')).texte).toBe('Ouvert maintenant · ferme à 17 h');
    // 08:30 UTC is 10:30 in Paris in summer (open), but would be closed if read as UTC+1 09:30… both open; 06:30 UTC = 08:30 Paris: closed
    expect(statutHoraires(H, new Date('2025-07-16T06:30:00Z')).texte).toBe('Fermé · ouvre à 9 h');
  });

  it('names the next opening day: « ouvre lundi à 9 h »', () => {
    // Saturday 18 January 2025, 13:00 Paris → closed until Monday 9 h
    expect(statutHoraires(H, new Date('2025-01-18T12:00:00Z')).texte).toBe('Fermé · ouvre lundi à 9 h');
    // Friday 17 January 2025, 18:00 Paris → tomorrow
    expect(statutHoraires(H, new Date('2025-01-17T17:00:00Z')).texte).toBe('Fermé · ouvre demain à 9 h');
  });

  it('handles the spring DST change (Sunday 30 March 2025, 02:00 → 03:00)', () => {
    const h = 'Su 08:00-12:00; Mo 09:00-12:30';
    // 06:30 UTC = 08:30 CEST (after the change): open, closes at 12 h
    expect(statutHoraires(h, new Date('2025-03-30T06:30:00Z')).texte).toBe('Ouvert maintenant · ferme à 12 h');
    // 06:30 UTC the Sunday before = 07:30 CET: closed, opens at 8 h
    expect(statutHoraires(h, new Date('2025-03-23T06:30:00Z')).texte).toBe('Fermé · ouvre à 8 h');
    // 10:15 UTC = 12:15 CEST: closed, opens Monday (tomorrow) at 9 h
    expect(statutHoraires(h, new Date('2025-03-30T10:15:00Z')).texte).toBe('Fermé · ouvre demain à 9 h');
  });

  it('handles the autumn DST change (Sunday 26 October 2025, 03:00 → 02:00)', () => {
    const h = 'Su 02:30-04:00,09:00-12:30';
    // 01:45 UTC = 02:45 CET (second pass of the hour): open until 4 h
    expect(statutHoraires(h, new Date('2025-10-26T01:45:00Z')).texte).toBe('Ouvert maintenant · ferme à 4 h');
    // 11:00 UTC = 12:00 CET: open, closes at 12 h 30
    expect(statutHoraires(h, new Date('2025-10-26T11:00:00Z')).texte).toBe('Ouvert maintenant · ferme à 12 h 30');
    expect(parisWallClock(new Date('2025-10-26T11:00:00Z')).getHours()).toBe(12);
  });

  it('knows French public holidays (PH off) and unknown hours', () => {
    // Wednesday 1 January 2025 10:00 Paris: holiday
    expect(statutHoraires('Mo-Fr 09:00-17:00; PH off', new Date('2025-01-01T09:00:00Z')).texte).toBe('Fermé · ouvre demain à 9 h');
    expect(statutHoraires(null).etat).toBe('inconnu');
    expect(statutHoraires('pas des horaires').texte).toBe('Horaires non communiqués');
  });

  it('gives the week, Monday to Sunday, with exceptions applied', () => {
    const w = semaineHoraires('Mo-Fr 09:00-12:00,14:00-17:30; PH off', new Date('2025-05-01T09:00:00Z'))!; // Thursday 1 May (holiday)
    expect(w.map((d) => d.jour)).toEqual(['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche']);
    expect(w[0]!.plages).toEqual(['9 h – 12 h', '14 h – 17 h 30']);
    expect(w[3]).toMatchObject({ date: '1er mai', plages: [], aujourdhui: true });
    expect(w[5]!.plages).toEqual([]);
  });
});

describe('the hours editor', () => {
  it('reads typed ranges', () => {
    expect(normaliseRanges('9h-12h, 14h-17h30')).toBe('09:00-12:00,14:00-17:30');
    expect(normaliseRanges('09:00 - 12:00 et 13:30 – 18:00')).toBe('09:00-12:00,13:30-18:00');
    expect(normaliseRanges('12h-9h')).toBeNull();
    expect(normaliseRanges('le matin')).toBeNull();
  });

  it('writes the OSM string, grouping identical days, with exceptions', () => {
    const r = grilleVersOsm({ jours: ['9h-12h', '9h-12h', '9h-12h', '', '9h-12h', '10h-12h', ''], exceptions: 'PH off' });
    expect(r).toEqual({ value: 'Mo-We 09:00-12:00; Fr 09:00-12:00; Sa 10:00-12:00; PH off', erreurs: {} });
    expect(horairesProblem(r.value)).toBeNull();
    expect(grilleVersOsm({ jours: ['9h', '', '', '', '', '', ''], exceptions: '' }).erreurs.horaires_Mo).toContain('Lundi');
    expect(grilleVersOsm({ jours: ['', '', '', '', '', '', ''], exceptions: 'n importe quoi' }).erreurs.horaires_exceptions).toContain('illisibles');
  });

  it('reads an OSM string back into the grid', () => {
    const g = osmVersGrille('Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off');
    expect(g.jours).toEqual(['09:00-12:00, 14:00-17:00', '09:00-12:00, 14:00-17:00', '09:00-12:00, 14:00-17:00', '09:00-12:00, 14:00-17:00', '09:00-12:00, 14:00-17:00', '09:00-12:00', '']);
    expect(g.exceptions).toBe('PH off');
    expect(grilleVersOsm(g).value).toBe('Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off');
  });
});
