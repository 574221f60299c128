import { it } from 'vitest';
import { createTestApp } from '../platform/testing.js';
it('timing', async () => {
  let s = Date.now();
  const a = await createTestApp({});
  console.log('demo app', Date.now() - s); s = Date.now();
  const b = await createTestApp({ demo: false });
  console.log('no-demo app', Date.now() - s);
  await a.close(); await b.close();
}, 120000);
