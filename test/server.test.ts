import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';

/** The real entry points (server and CLI) on an embedded database in a temporary DATA_DIR. */
const dataDir = mkdtempSync(join(tmpdir(), 'cn-server-'));
const env = { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '', DEMO: '' };
// tsx as a loader, not as a wrapper process, so that signals reach the server itself.
let server: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function start(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env, encoding: 'utf8', timeout: 60_000 });
}

afterAll(() => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('server and CLI on the embedded database', () => {
  it('serves the demo, refuses a second writer, stops cleanly on SIGTERM and keeps data across restarts', async () => {
    const port = await freePort();
    server = await start(port);
    const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', db: 'pglite' });
    const login = await fetch(`http://127.0.0.1:${port}/connexion`);
    expect(await login.text()).toContain('admin@demo.test'); // demo accounts shown in demo mode

    // The CLI must not open the same PGlite directory while the server holds it.
    const busy = cli('tokens:create', 'admin@demo.test');
    expect(busy.status).toBe(2);
    expect(busy.stderr).toContain('déjà ouverte par un autre processus');

    expect(await stop(server)).toBe(0);

    const created = cli('tokens:create', 'admin@demo.test');
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^cn_/);

    server = await start(port);
    const api = await fetch(`http://127.0.0.1:${port}/api/v1/communes?q=behren`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    expect((await api.json()).communes[0].nom).toBe('Behren-lès-Forbach');
    expect(await stop(server)).toBe(0);
  }, 180_000);

  it('keeps an acknowledged write after the process is killed (SIGKILL)', async () => {
    const port = await freePort();
    server = await start(port);
    const base = `http://127.0.0.1:${port}`;
    const page = await fetch(`${base}/connexion`);
    const anon = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const login = await fetch(`${base}/connexion`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: anon, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email: 'banque@demo.test', password: 'demo-conseiller-numerique' }).toString(),
    });
    expect(login.status).toBe(303); // the session row is written and acknowledged
    const session = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    await new Promise<void>((resolve) => {
      server!.once('exit', () => resolve());
      server!.kill('SIGKILL');
    });
    server = await start(port); // the lock of the dead process is taken over
    const dash = await fetch(`${base}/tableau-de-bord/banque`, { redirect: 'manual', headers: { cookie: session } });
    expect(dash.status).toBe(200);
    expect(await stop(server)).toBe(0);
  }, 180_000);

  it('exits 1 and releases the database when the port is taken', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
    } finally {
      blocker.close();
    }
    const after = cli('tokens:create', 'admin@demo.test'); // the lock was released
    expect(after.status, after.stderr).toBe(0);
  }, 120_000);

  it('prints help and rejects unknown commands', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('tokens:create');
    expect(help.stdout).toContain('territoires:import-centres');
    const guarded = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo:reset'], { env: { ...env, DEMO: '0' }, encoding: 'utf8', timeout: 60_000 });
    expect(guarded.status).toBe(2);
    expect(guarded.stderr).toContain('démonstration est désactivée');
    const unknown = cli('nimporte-quoi');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Commande inconnue');
  });
});
