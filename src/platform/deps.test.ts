import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './deps.js';

describe('safeReturnPath', () => {
  it.each([
    ['/structures?q=metz', '/structures?q=metz'],
    ['/tableau-de-bord/admin', '/tableau-de-bord/admin'],
    ['/a/../structures', '/structures'],
  ])('keeps the same-site path %s', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it.each([
    ['https://evil.example/'],
    ['//evil.example'],
    ['/\\evil.example'],
    ['/\t/evil.example'],
    ['/%09/evil.example'.replace('%09', '\t')],
    ['/\r\n/evil'],
    ['/\u2028/x'],
    ['relative'],
    [''],
    [undefined],
    [['/a']],
  ])('replaces %j by the dashboard', (input) => {
    expect(safeReturnPath(input)).toBe('/tableau-de-bord');
  });
});
