import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/index.js';
import { startLocalCluster } from '../../src/local/cluster/index.js';
import type { LocalCluster } from '../../src/local/cluster/index.js';
import { KanaryClient } from '../../src/client/index.js';
import {
  applyAll,
  burst,
  freshPodIPRange,
  kanaryDown,
  SEED_IMAGE,
  SEED_NAMESPACE,
  SEED_ROLLOUT,
  seedWith,
  tempStateDir,
  waitFor,
  waitForRollout,
} from '../harness/local-cluster.js';
import type { Reply } from '../harness/local-cluster.js';
import { rmSync } from 'node:fs';

/**
 * A canary process that dies while the server is down: nobody tells the router, so it keeps the dead endpoint in
 * its table and only its retry can save the requests it sends there. The stable backend is healthy, so a retry
 * that moves to it loses nothing.
 *
 * This once caught a router bug: a retry drew canary-or-stable again, and a request that drew the dead canary twice
 * got 502 although stable was never tried (about weight² of the requests). The router now keeps the first draw and
 * falls back to stable when the canary has no endpoint left to try.
 */

const stateDir = tempStateDir('kanary-canary-down-');
const range = freshPodIPRange();
let cluster: LocalCluster | undefined;

afterAll(async () => {
  await cluster?.close({ everything: true });
  await kanaryDown(stateDir);
  rmSync(stateDir, { recursive: true, force: true });
});

const start = (): Promise<LocalCluster> =>
  startLocalCluster({ stateDir, port: 0, routerPort: 0, podIPRange: range, log: () => undefined });

describe('local cluster: a canary that dies while the server is down', () => {
  let routerUrl = '';

  beforeAll(async () => {
    cluster = await start();
    const client = new KanaryClient({ url: cluster.url, token: cluster.token });
    await applyAll(client, seedWith({ steps: [{ setWeight: 25 }, { pause: {} }], dropAnalysis: true }));
    await waitForRollout(client, (r) => r.phase === 'Healthy', 20_000, 'Healthy');
    await client.operate(SEED_NAMESPACE, SEED_ROLLOUT, 'set-image', {
      container: 'sample-app',
      image: `${SEED_IMAGE}:2.0.0`,
    });
    const v = await waitForRollout(client, (r) => r.step === 1 && r.paused, 20_000, 'paused at 25');
    const pid = await waitFor(
      async () => {
        const [pod] = await client.list<Pod>('pods', SEED_NAMESPACE, `rollouts-pod-template-hash=${v.currentPodHash}`);
        const s = pod?.status?.containerStatuses?.[0] as { ready?: boolean; containerID?: string } | undefined;
        return s?.ready === true ? Number(/(\d+)$/.exec(s.containerID ?? '')?.[1]) : undefined;
      },
      20_000,
      'the canary ready',
    );
    await cluster.flushRouter();
    routerUrl = cluster.routerUrl;
    // The server goes away (pods and router keep running: `kanary down` in afterAll stops them), then the canary
    // process dies.
    await cluster.close();
    cluster = undefined;
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
  });

  let replies: Reply[] = [];
  const failed = (): Reply[] => replies.filter((r) => r.status !== 200);

  it('answers every request', async () => {
    replies = await burst(routerUrl, 400, 8);
    console.info(
      `canary dead, server down: ${replies.length} requests, ${failed().length} failed (${[...new Set(failed().map((r) => r.status))].join(', ')})`,
    );
    expect(replies.length).toBe(400);
  });

  it('loses no idempotent GET: the router retries refused canary requests on the stable backend', () => {
    expect(replies.length).toBe(400);
    expect(failed().map((r) => r.status)).toEqual([]);
  });
});
