import { describe, expect, it, vi } from 'vitest';

// Counts the commune searches that one suggestion costs.
const calls = vi.hoisted(() => ({ n: 0 }));
vi.mock('../territoires/territoires.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../territoires/territoires.js')>();
  return {
    ...orig,
    searchCommunes: (...args: Parameters<typeof orig.searchCommunes>) => {
      calls.n++;
      return orig.searchCommunes(...args);
    },
  };
});

const { suggestions } = await import('./routes.js');

describe('suggestions for a name that matches nothing', () => {
  it('a 200-character junk query costs a handful of commune searches, not one per prefix length', () => {
    calls.n = 0;
    expect(suggestions('zq'.repeat(100))).toEqual([]);
    expect(calls.n).toBeLessThanOrEqual(8);
  });

  it('still finds the longest matching prefix', () => {
    calls.n = 0;
    expect(suggestions('Behren-lès-Forbak').map((c) => c.nom)).toContain('Behren-lès-Forbach');
    expect(suggestions('Behren-lès-Forba' + 'x'.repeat(184)).map((c) => c.nom)).toContain('Behren-lès-Forbach');
    expect(calls.n).toBeLessThanOrEqual(16);
    expect(suggestions('Metzqqqqqqqq').map((c) => c.nom)).toContain('Metz');
  });
});
