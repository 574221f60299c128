import { describe, expect, it } from 'vitest';
import { actionLabel, changements, objetLabel, valeur } from './labels.js';

describe('the journal in words', () => {
  it('says every action in French, even one it does not know, never as a code', () => {
    expect(actionLabel('activite.creee')).toBe('Activité enregistrée');
    expect(actionLabel('utilisateur.desactive')).toBe('Compte désactivé');
    expect(actionLabel('recrutement.interessee')).toBe('Candidat présélectionné');
    expect(actionLabel('conventions.sans_suite')).toBe('Convention classée sans suite');
    expect(actionLabel('formation.session_publiee')).toBe('Session de formation publiée');
    expect(actionLabel('inconnu.action_sans_libelle')).toBe('Action sans libelle');
    expect(actionLabel('inconnu.action_sans_libelle')).not.toContain('.');
  });

  it('names the object and links to its page only with a real id', () => {
    const id = '0190a3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b';
    expect(objetLabel('structure', id)).toEqual({ label: 'Structure', href: `/structures/${id}` });
    expect(objetLabel('utilisateur', id)).toEqual({ label: 'Compte', href: `/admin/utilisateurs/${id}` });
    expect(objetLabel('structure', 'pas-un-id')).toEqual({ label: 'Structure', href: null });
    expect(objetLabel('mise_en_relation', id)).toEqual({ label: 'Mise en relation', href: null });
    expect(objetLabel('inconnu_ici', null)).toEqual({ label: 'inconnu ici', href: null });
  });

  it('shows only the fields that changed, in words', () => {
    expect(changements({ contactEmail: null, nom: 'A' }, { contactEmail: 'x@y.fr', nom: 'A' })).toEqual([{ champ: 'contact email', avant: '—', apres: 'x@y.fr' }]);
    expect(changements(null, { statut: 'CREEE', postes: 2, zrr: true })).toEqual([
      { champ: 'statut', avant: null, apres: 'CREEE' },
      { champ: 'postes', avant: null, apres: '2' },
      { champ: 'zrr', avant: null, apres: 'oui' },
    ]);
    expect(changements(null, null)).toEqual([]);
    expect(changements('a', 'b')).toEqual([{ champ: 'valeur', avant: 'a', apres: 'b' }]);
  });

  it('writes dates and instants for people (Paris time), lists joined', () => {
    expect(valeur('2026-12-01')).toBe('01/12/2026');
    expect(valeur('2026-07-01T10:30:00.000Z')).toBe('01/07/2026 12:30');
    expect(valeur(['a', 'b'])).toBe('a, b');
    expect(valeur(12500)).toBe('12\u202f500');
    expect(valeur({ role: 'structure', structureId: null })).toBe('role : structure ; structure id : —');
  });
});
