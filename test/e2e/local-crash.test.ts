import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplicaSet } from '../../src/api/index.js';
import {
  applyAll,
  freshPodIPRange,
  kanaryDown,
  Load,
  SEED_IMAGE,
  SEED_NAMESPACE,
  SEED_ROLLOUT,
  seededRandom,
  seedWith,
  sleep,
  startServerProcess,
  tempStateDir,
  waitFor,
  waitForRollout,
} from '../harness/local-cluster.js';
import type { RolloutView, ServerProcess } from '../harness/local-cluster.js';

/**
 * The crash test of issue 6: `kanary server` as a child process, SIGKILLed ten times at random moments of rollouts
 * and restarted on the same state dir each time, under a constant load through the router. The router and the pods
 * are processes of their own, so clients must not notice; and every rollout must end where it ends without crashes.
 */

const KILLS = 10;
const STEPS = [
  { setWeight: 25 },
  { pause: { duration: '2s' } },
  { setWeight: 50 },
  { pause: { duration: '2s' } },
  { setWeight: 75 },
  { pause: { duration: '2s' } },
];

const stateDir = tempStateDir('kanary-crash-');
const range = freshPodIPRange();
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.kill9();
  await kanaryDown(stateDir);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('local cluster: the server killed -9 ten times during rollouts', () => {
  it('loses no request at the router and ends every rollout Healthy on its new revision', async () => {
    const seed = Number(process.env.KANARY_CRASH_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    console.info(`crash test seed ${seed} (KANARY_CRASH_SEED replays the kill moments)`);

    server = await startServerProcess(stateDir, range);
    const routerUrl = server.routerUrl;
    const client = (): NonNullable<typeof server>['client'] => {
      if (server === undefined) throw new Error('no server');
      return server.client;
    };
    await applyAll(client(), seedWith({ steps: STEPS, dropAnalysis: true, scaleDownDelaySeconds: 1 }));
    await waitForRollout(client, (r) => r.phase === 'Healthy', 30_000, 'the first revision Healthy');

    const load = new Load(() => routerUrl, 50, 150).start();
    let version = 1;
    const moments: string[] = [];
    let finalStable: string | undefined;
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const view = await waitForRollout(client, () => true, 10_000, 'the rollout to be readable');
        if (view.phase === 'Healthy' && view.stableRS === view.currentPodHash) {
          version++;
          await client().operate(SEED_NAMESPACE, SEED_ROLLOUT, 'set-image', {
            container: 'sample-app',
            image: `${SEED_IMAGE}:${version}.0.0`,
          });
        }
        // Some kills land while the controller is still reacting to the change, most at any later moment.
        await sleep(random() < 0.3 ? random() * 150 : 200 + random() * 2_500);
        const before = await waitForRollout(client, () => true, 10_000, 'the rollout to be readable').catch(
          () => undefined,
        );
        moments.push(describeMoment(before));
        await server.kill9();
        await sleep(random() * 1_000);
        server = await startServerProcess(stateDir, range);
        // The router is adopted, never replaced: clients keep the same address.
        expect(server.routerUrl).toBe(routerUrl);
      }
      console.info(`killed at: ${moments.join(' | ')}`);

      const final = await waitForRollout(
        client,
        (r) => r.phase === 'Healthy' && r.stableRS === r.currentPodHash,
        60_000,
        `Healthy on version ${version}`,
      );
      const image = (final.raw as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template
        .spec.containers[0]?.image;
      expect(image).toBe(`${SEED_IMAGE}:${version}.0.0`);
      finalStable = final.stableRS;
      // As without crashes: only the stable ReplicaSet keeps pods, and it runs the last image.
      await waitFor(
        async () => {
          const sets = await client().list<ReplicaSet & { metadata: { name: string } }>('replicasets', SEED_NAMESPACE);
          const live = sets.filter((s) => (s.spec.replicas ?? 0) > 0 || (s.status?.replicas ?? 0) > 0);
          return live.length === 1 && live[0]?.metadata.name === `${SEED_ROLLOUT}-${final.stableRS}` ? true : undefined;
        },
        20_000,
        'only the stable ReplicaSet to keep pods',
      );
      await sleep(500);
    } finally {
      await load.stop();
    }
    const replies = load.replies;
    const failures = replies.filter((r) => r.status !== 200);
    // The last answers come from the last revision only.
    const last = replies.filter((r) => r.at > Date.now() - 400);
    console.info(
      `crash test: ${KILLS} kills, ${version - 1} rollouts, ${replies.length} requests, ${failures.length} failed`,
    );
    expect(failures).toEqual([]);
    expect(version).toBeGreaterThanOrEqual(3);
    expect(replies.length).toBeGreaterThan(500);
    expect(last.length).toBeGreaterThan(0);
    for (const r of last) expect(r.pod?.startsWith(`${SEED_ROLLOUT}-${finalStable ?? '?'}-`)).toBe(true);
  }, 170_000);
});

function describeMoment(v: RolloutView | undefined): string {
  if (v === undefined) return 'unreadable';
  return `${v.phase ?? '?'}@${String(v.step)}/w${String(v.canaryWeight ?? 0)}`;
}
