import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LockError } from './lock.js';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cn-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('embedded database lock', () => {
  it('is exclusive while its holder lives, and released on demand', () => {
    const d = dir();
    const release = acquireDataDirLock(d, 'serveur');
    writeFileSync(join(d, 'instance.lock'), JSON.stringify({ pid: process.ppid, what: 'autre' })); // a live process
    expect(() => acquireDataDirLock(d, 'cli')).toThrow(LockError);
    release();
    expect(existsSync(join(d, 'instance.lock'))).toBe(false);
  });

  it('takes over the lock of a dead process', () => {
    const d = dir();
    writeFileSync(join(d, 'instance.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, what: 'mort' }));
    const release = acquireDataDirLock(d, 'serveur');
    expect(JSON.parse(readFileSync(join(d, 'instance.lock'), 'utf8')).pid).toBe(process.pid);
    release();
  });
});
