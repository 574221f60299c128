import { describe, expect, it } from 'vitest';
import { casseFrancaise, enCapitales, formaterTelephone, nomSuspect, normaliserTextes, pivotAccepte, pivotProbleme, telephoneAccepte, telephoneProbleme } from './normalisation.js';

describe('French capitalisation of names and streets typed in capitals', () => {
  it('keeps acronyms, puts small words and elided articles in lower case', () => {
    expect(casseFrancaise('CCAS DE BEHREN-LÈS-FORBACH')).toBe('CCAS de Behren-lès-Forbach');
    expect(casseFrancaise('BEHREN-LÈS-FORBACH')).toBe('Behren-lès-Forbach');
    expect(casseFrancaise("CCAS D'HELLEMMES")).toBe("CCAS d'Hellemmes");
    expect(casseFrancaise('MJC DU PAYS MESSIN ET DES ENVIRONS')).toBe('MJC du Pays Messin et des Environs');
    expect(casseFrancaise('EHPAD LES TILLEULS')).toBe('EHPAD les Tilleuls');
    expect(casseFrancaise('LA POSTE')).toBe('La Poste');
    expect(casseFrancaise("L'ESPOIR")).toBe("L'Espoir");
    expect(casseFrancaise('CAF DE LA MOSELLE')).toBe('CAF de la Moselle');
    expect(casseFrancaise('ESPACE CPAM, MSA ET MFS')).toBe('Espace CPAM, MSA et MFS');
    expect(casseFrancaise('EPN AUX QUATRE VENTS')).toBe('EPN aux Quatre Vents');
    expect(casseFrancaise('PIMMS DE METZ')).toBe('PIMMS de Metz');
    expect(casseFrancaise('MAISON DE SERVICES A LA PERSONNE')).toBe('Maison de Services à la Personne');
    expect(casseFrancaise('CENTE SOCIO CULTUREL DE MOLIERES SUR CEZE')).toBe('Cente Socio Culturel de Molieres sur Ceze');
    expect(casseFrancaise('ST AVOLD')).toBe('Saint Avold');
    expect(casseFrancaise('LYCEE HENRI IV')).toBe('Lycee Henri IV');
    expect(casseFrancaise('ccas de metz')).toBe('CCAS de Metz');
    expect(casseFrancaise("AFPA ACCES A L' EMPLOI")).toBe("AFPA Acces à l'Emploi");
    expect(casseFrancaise('LE BEFFROI - LA MAIRIE')).toBe('Le Beffroi - La Mairie');
    expect(casseFrancaise('PLATEFORME INSERTION FORMATION - P.I.F')).toBe('Plateforme Insertion Formation - P.I.F');
  });

  it('in a street: abbreviated types written out, bis and ordinals in lower case', () => {
    expect(casseFrancaise('4 AV DE SAINT MENET', { adresse: true })).toBe('4 Avenue de Saint Menet');
    expect(casseFrancaise('PL JEAN ANTOINE CHAPTAL', { adresse: true })).toBe('Place Jean Antoine Chaptal');
    expect(casseFrancaise("10 RUE DE L'HOTEL DE VILLE", { adresse: true })).toBe("10 Rue de l'Hotel de Ville");
    expect(casseFrancaise('1 PL DE L HOTEL DE VILLE', { adresse: true })).toBe("1 Place de l'Hotel de Ville");
    expect(casseFrancaise('12 BIS BD DU 1ER MAI', { adresse: true })).toBe('12 bis Boulevard du 1er Mai');
    expect(casseFrancaise('3 BD HENRI IV', { adresse: true })).toBe('3 Boulevard Henri IV');
    expect(casseFrancaise('RTE DE COSNE', { adresse: true })).toBe('Route de Cosne');
    expect(casseFrancaise('ZI DES GRANDS CHAMPS', { adresse: true })).toBe('ZI des Grands Champs');
  });

  it('says what is in capitals: not an acronym alone, not a name with lower case', () => {
    expect(enCapitales('CROIX ROUGE FRANCAISE')).toBe(true);
    expect(enCapitales('CCAS')).toBe(false);
    expect(enCapitales('MJC')).toBe(false);
    expect(enCapitales('CCAS de Metz')).toBe(false);
    expect(enCapitales('12 RUE')).toBe(true);
  });

  it('corrects names and streets of a record and flags a name in capitals in the row', () => {
    const rec = { nom: "CCAS D'HELLEMMES", adresse: '4 AV DE SAINT MENET', commune: 'Lille' };
    const r = normaliserTextes(rec);
    expect(rec).toEqual({ nom: "CCAS d'Hellemmes", adresse: '4 Avenue de Saint Menet', commune: 'Lille' });
    expect(r.alertes).toEqual([{ field: 'nom', message: "nom en capitales : « CCAS D'HELLEMMES » écrit « CCAS d'Hellemmes », à vérifier" }]);
    expect(r.corrections.map((c) => c.field)).toEqual(['nom', 'adresse']);
    // Already well written: untouched, nothing flagged.
    const ok = { nom: 'Médiathèque Jean-Macé', adresse: '3 rue du Pont' };
    expect(normaliserTextes(ok)).toEqual({ corrections: [], alertes: [] });
  });

  it('flags a name that is a web address or a SIRET, and leaves it as it is', () => {
    expect(nomSuspect('https://www.croix-rouge.fr/Annuaire/CENTRE-DE-SANTE')).toContain('adresse web');
    expect(nomSuspect('www.mairie-metz.fr')).toContain('adresse web');
    expect(nomSuspect('24400054300011')).toContain('numéro');
    expect(nomSuspect('244 000 543')).toContain('numéro');
    expect(nomSuspect('Médiathèque du Pontiffroy')).toBeNull();
    expect(nomSuspect('Espace 2000')).toBeNull();
    const rec = { nom: 'https://www.croix-rouge.fr/Annuaire/CENTRE' };
    expect(normaliserTextes(rec).alertes).toEqual([{ field: 'nom', message: expect.stringContaining('adresse web') }]);
    expect(rec.nom).toBe('https://www.croix-rouge.fr/Annuaire/CENTRE');
  });
});

describe('what the national tools accept', () => {
  it('a SIRET or an RNA number as pivot; a SIREN or 13 digits are not', () => {
    expect(pivotAccepte('21570463000015')).toBe(true);
    expect(pivotAccepte('00000000000000')).toBe(true);
    expect(pivotAccepte('W572001234')).toBe(true);
    expect(pivotProbleme('216600775')).toBe("« 216600775 » est un SIREN (9 chiffres), pas le SIRET de l'établissement (14 chiffres)");
    expect(pivotProbleme('2000739000010')).toBe('« 2000739000010 » a 13 chiffres : un SIRET en a 14');
    expect(pivotProbleme('ABC123')).toContain('ni un SIRET');
  });

  it('phones with the right number of digits', () => {
    expect(telephoneAccepte('+33387000000')).toBe(true);
    expect(telephoneAccepte('+262262123456')).toBe(true);
    expect(telephoneAccepte('+687123456')).toBe(true);
    expect(telephoneAccepte('+3358770648')).toBe(false);
    expect(telephoneAccepte('+335321344')).toBe(false);
    expect(telephoneAccepte('+33087000000')).toBe(false);
    expect(telephoneProbleme('+3358770648')).toBe('« +3358770648 » : 8 chiffres après +33, il en faut 9 (un numéro français a 10 chiffres : 03 87 00 00 00)');
  });

  it('formats a phone for people', () => {
    expect(formaterTelephone('+33387000000')).toBe('03 87 00 00 00');
    expect(formaterTelephone('+262262123456')).toBe('0262 12 34 56');
    expect(formaterTelephone('+687123456')).toBe('+687123456');
  });
});
