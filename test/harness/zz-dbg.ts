import { applyAll, burst, seedWith, startInProcessCluster, waitForRollout, SEED_IMAGE, sleep, get } from './local-cluster.js';
const c = await startInProcessCluster({ log: (m) => console.log('[log]', m) });
try {
  await applyAll(c.client, seedWith({ steps: [{ setWeight: 25 }, { pause: {} }], dropAnalysis: true, scaleDownDelaySeconds: 2 }));
  await waitForRollout(c.client, (r) => r.phase === 'Healthy');
  await c.client.operate('sample-app', 'sample-app', 'set-image', { container: 'sample-app', image: `${SEED_IMAGE}:2.0.0` });
  await waitForRollout(c.client, (r) => r.step === 1 && r.paused);
  for (let k = 0; k < 8; k++) {
    const t = Date.now();
    const rs = await burst(c.cluster.routerUrl, 500, 16);
    const by: Record<string, number> = {};
    for (const r of rs) by[`${r.status} ${r.deployment} ${r.error ?? ''}`] = (by[`${r.status} ${r.deployment} ${r.error ?? ''}`] ?? 0) + 1;
    console.log(Date.now() - t, 'ms', JSON.stringify(by));
    const a = await get(c.cluster.routerUrl, '/success', { 'X-Canary': 'always' });
    console.log('always', a.status, a.deployment);
    await sleep(500);
  }
} finally { await c.stop(); }
