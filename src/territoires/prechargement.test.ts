// Start-up does not load the communes: centres read before are kept and applied when they load, and
// the preload in slices builds the very index a search builds in one go. (Own file: fresh module state.)
import { describe, expect, it } from 'vitest';
import { commune, communesOfDepartement, prechargerTerritoires, searchCommunes, setCommuneCentres } from './territoires.js';

describe('communes loaded after start-up', () => {
  it('applies centres set before the communes were loaded, then preloads the search in slices', async () => {
    setCommuneCentres([{ insee: '57227', lat: 49.1886, lng: 6.8963 }]);
    const forbach = commune('57227');
    expect(forbach).toMatchObject({ nom: 'Forbach', lat: 49.1886, lng: 6.8963, centreApproximatif: false });
    expect(commune('57463')?.centreApproximatif).toBe(true); // Metz: no centre given

    await prechargerTerritoires();
    expect(searchCommunes('forbach', 3)[0]?.insee).toBe('57227');
    expect(searchCommunes('st avold', 3)[0]?.nom).toBe('Saint-Avold');
    // A centre set once the communes are loaded applies at once.
    setCommuneCentres([{ insee: '57463', lat: 49.1196, lng: 6.1764 }]);
    expect(commune('57463')).toMatchObject({ lat: 49.1196, centreApproximatif: false });
  });

  it('lists a département’s communes by name', () => {
    const noms = communesOfDepartement('57').map((c) => c.nom);
    expect(noms.length).toBeGreaterThan(700);
    expect([...noms].sort(new Intl.Collator('fr').compare)).toEqual(noms);
    expect(communesOfDepartement('57')).toBe(communesOfDepartement('57'));
  });
});
