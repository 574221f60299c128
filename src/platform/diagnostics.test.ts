import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installDiagnostics, type DiagnosticReply } from './diagnostics.js';

type GcReply = Extract<DiagnosticReply, { type: 'gc' }>;

describe('memory diagnostics over IPC (soak benchmark)', () => {
  it('stay off without CN_DIAGNOSTICS_IPC=1', () => {
    expect(installDiagnostics({})).toBe(false);
  });

  it('answer a parent with memory and the bounded caches, and do not keep the process alive', async () => {
    const module = join(import.meta.dirname, 'diagnostics.ts');
    const code = `const d = await import(${JSON.stringify(module)}); if (!d.installDiagnostics()) process.exit(3); setTimeout(() => {}, 3000);`;
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, CN_DIAGNOSTICS_IPC: '1' },
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const reply = await new Promise<GcReply>((resolve, reject) => {
      child.on('message', (m) => resolve(m as GcReply));
      child.on('exit', (c) => reject(new Error(`exited ${c}`)));
      // The child installs its handler after loading; ask until it answers.
      const ask = () => {
        if (child.connected) child.send({ id: 1, type: 'gc' });
      };
      const timer = setInterval(ask, 200);
      child.once('message', () => clearInterval(timer));
      ask();
    });
    expect(reply.id).toBe(1);
    expect(reply.gc).toBe(true);
    expect(reply.memoire.heapUsed).toBeGreaterThan(0);
    expect(Array.isArray(reply.caches)).toBe(true);
    // Once its own work is done (a 3 s timer), the unref'd channel does not keep it alive.
    expect(await exited).toBe(0);
  }, 60_000);
});
