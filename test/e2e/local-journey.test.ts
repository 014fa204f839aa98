import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/index.js';
import {
  applyAll,
  binomialBounds,
  burst,
  get,
  Load,
  rolloutView,
  runCli,
  SEED_IMAGE,
  SEED_NAMESPACE,
  SEED_ROLLOUT,
  seedWith,
  startInProcessCluster,
  waitFor,
  waitForRollout,
} from '../harness/local-cluster.js';
import type { InProcessCluster } from '../harness/local-cluster.js';

/**
 * Issue 6's journey on the real local cluster: the seed's manifests (analysis dropped, the 5m pauses shortened to
 * 1s) over real SQLite, the real router process and the sample app as real pod processes. The tests run in order
 * on one cluster: each picks the rollout up where the previous one left it.
 */

const STEPS = [
  { setWeight: 25 },
  { pause: {} },
  { setWeight: 50 },
  { pause: { duration: '1s' } },
  { setWeight: 75 },
  { pause: { duration: '1s' } },
];

/** The fields of a container status these tests read (the API's schema keeps them loose). */
interface ContainerStatusView {
  ready?: boolean;
  restartCount?: number;
  containerID?: string;
  lastState?: { terminated?: { exitCode?: number } };
}

function containerStatus(pod: Pod | undefined): ContainerStatusView | undefined {
  return pod?.status?.containerStatuses?.[0];
}

let c: InProcessCluster;
let stableHash = '';
let canaryHash = '';

const router = (): string => c.cluster.routerUrl;
const cliEnv = (): Record<string, string> => ({ KANARY_STATE_DIR: c.stateDir });

async function podsOf(hash: string): Promise<Pod[]> {
  return c.client.list<Pod>('pods', SEED_NAMESPACE, `rollouts-pod-template-hash=${hash}`);
}

/** How many endpoints the router's current table has behind the canary Service. */
async function canaryEndpointCount(): Promise<number> {
  const res = await fetch(`${router()}/_kanary/table`);
  const table = (await res.json()) as {
    hosts: { routes: { canaries: { backend: { service: string; endpoints: unknown[] } }[] }[] }[];
  };
  let n = 0;
  for (const h of table.hosts)
    for (const r of h.routes)
      for (const k of r.canaries) if (k.backend.service === 'sample-app-canary') n += k.backend.endpoints.length;
  return n;
}

describe('local cluster: the seed journey', () => {
  beforeAll(async () => {
    c = await startInProcessCluster();
  });
  afterAll(async () => {
    await (c as InProcessCluster | undefined)?.stop();
  });

  it('serves /success from a stable pod once the seed manifests are applied', async () => {
    await applyAll(c.client, seedWith({ steps: STEPS, dropAnalysis: true, scaleDownDelaySeconds: 2 }));
    const v = await waitForRollout(c.client, (r) => r.phase === 'Healthy', 20_000, 'the first revision to be Healthy');
    stableHash = v.stableRS ?? '';
    expect(stableHash).not.toBe('');
    const reply = await waitFor(
      async () => {
        const r = await get(router());
        return r.status === 200 ? r : undefined;
      },
      10_000,
      'a 200 through the router',
    );
    expect(reply.deployment).toBe('stable');
    expect(reply.pod).toMatch(new RegExp(`^${SEED_ROLLOUT}-${stableHash}-[a-z0-9]{5}$`));
  });

  it('answers 401 to a mutating call without the token, keeps the token file 0600, and lets the CLI find both', async () => {
    const res = await fetch(`${c.cluster.url}/api/v1/namespaces/${SEED_NAMESPACE}/rollouts/${SEED_ROLLOUT}/pause`, {
      method: 'POST',
    });
    expect(res.status).toBe(401);
    const wrong = await fetch(`${c.cluster.url}/api/v1/namespaces/${SEED_NAMESPACE}/services/x`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer not-the-token' },
    });
    expect(wrong.status).toBe(401);
    expect((await rolloutView(c.client)).paused).toBe(false);
    expect(statSync(join(c.stateDir, 'token')).mode & 0o777).toBe(0o600);

    const got = await runCli(['get', 'rollout', SEED_ROLLOUT, '-n', SEED_NAMESPACE, '-o', 'json'], cliEnv());
    expect(got.stderr).toBe('');
    expect(got.code).toBe(0);
    expect((JSON.parse(got.stdout) as { metadata: { name: string } }).metadata.name).toBe(SEED_ROLLOUT);
  });

  it('`kanary logs POD` prints the pod output', async () => {
    const [pod] = await podsOf(stableHash);
    const name = pod?.metadata.name ?? '';
    const logs = await runCli(['logs', name, '-n', SEED_NAMESPACE], cliEnv());
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/sample-app listening http=127\.1\.\d+\.\d+:8080/);
  });

  it('after set image, pauses at weight 25 and splits 2,000 requests within the binomial 99.9% bound', async () => {
    // Through the CLI: a mutating call that needs the token found in the state dir.
    const set = await runCli(
      ['set', 'image', SEED_ROLLOUT, `sample-app=${SEED_IMAGE}:2.0.0`, '-n', SEED_NAMESPACE],
      cliEnv(),
    );
    expect(set.code, set.stderr).toBe(0);
    const v = await waitForRollout(
      c.client,
      (r) => r.step === 1 && r.paused && r.canaryWeight === 25 && r.currentPodHash !== stableHash,
      30_000,
      'step 1 paused at weight 25',
    );
    canaryHash = v.currentPodHash ?? '';
    await waitFor(
      async () => ((await podsOf(canaryHash))[0]?.status?.containerStatuses?.[0]?.ready === true ? true : undefined),
      20_000,
      'the canary pod to be ready',
    );
    await c.cluster.flushRouter();

    const replies = await burst(router(), 2000, 16);
    const failed = replies.filter((r) => r.status !== 200);
    expect(failed).toEqual([]);
    const canary = replies.filter((r) => r.deployment === 'canary').length;
    const stable = replies.filter((r) => r.deployment === 'stable').length;
    expect(canary + stable).toBe(2000);
    const { low, high } = binomialBounds(2000, 0.25);
    console.info(`canary share at weight 25: ${canary}/2000 (bound ${low.toFixed(0)}..${high.toFixed(0)})`);
    expect(canary).toBeGreaterThanOrEqual(low);
    expect(canary).toBeLessThanOrEqual(high);
  });

  it('X-Canary: always always reaches the canary and never never does', async () => {
    const always = await burst(router(), 200, 8, { 'X-Canary': 'always' });
    const never = await burst(router(), 200, 8, { 'X-Canary': 'never' });
    expect(always.map((r) => `${r.status} ${r.deployment}`)).toEqual(Array(200).fill('200 canary'));
    expect(never.map((r) => `${r.status} ${r.deployment}`)).toEqual(Array(200).fill('200 stable'));
    for (const r of always) expect(r.pod?.startsWith(`${SEED_ROLLOUT}-${canaryHash}-`)).toBe(true);
  });

  it('restarts a kill -9ed canary process with backoff; clients see no failure and the canary gets traffic again once ready', async () => {
    const [before] = await podsOf(canaryHash);
    const status = containerStatus(before);
    const pid = Number(/^process:\/\/(\d+)$/.exec(status?.containerID ?? '')?.[1]);
    expect(pid).toBeGreaterThan(1);
    const restarts = status?.restartCount ?? 0;

    const load = new Load(router, 100, 30).start();
    await new Promise((r) => setTimeout(r, 500));
    // The router's table, sampled every 50 ms: the canary endpoint must leave it while the process is down.
    const canaryEndpoints: number[] = [];
    let sampling = true;
    const sampler = (async (): Promise<void> => {
      while (sampling) {
        canaryEndpoints.push(await canaryEndpointCount());
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const after = await waitFor(
      async () => {
        const [p] = await podsOf(canaryHash);
        const s = containerStatus(p);
        return s !== undefined && (s.restartCount ?? 0) > restarts && s.ready === true ? s : undefined;
      },
      20_000,
      'the canary container to restart and be ready',
    );
    await c.cluster.flushRouter();
    // Canary answers resume after the restart.
    await waitFor(
      () =>
        Promise.resolve(
          load.replies.some((r) => r.at > Date.now() - 300 && r.deployment === 'canary') ? true : undefined,
        ),
      10_000,
      'canary answers after the restart',
    );
    const replies = await load.stop();
    sampling = false;
    await sampler;
    canaryEndpoints.push(await canaryEndpointCount());
    // Present, then gone while unready, then back once ready.
    const collapsed = canaryEndpoints.filter((n, i) => i === 0 || n !== canaryEndpoints[i - 1]);
    expect(collapsed).toEqual([1, 0, 1]);
    expect(after.restartCount).toBe(restarts + 1);
    expect(after.lastState?.terminated?.exitCode).toBe(137);
    expect(after.containerID).not.toBe(status?.containerID);
    const failures = replies.filter((r) => r.status !== 200);
    console.info(
      `canary kill: ${replies.length} requests, ${failures.length} failed, restart ready after ${Date.now() - killedAt} ms`,
    );
    // Requests sent to the dead process before the router's table drops it are refused and retried on stable.
    expect(failures).toEqual([]);
  });

  it('completes Healthy with the canary revision as stable after promote (CLI)', async () => {
    const promote = await runCli(['promote', SEED_ROLLOUT, '-n', SEED_NAMESPACE], cliEnv());
    expect(promote.code, promote.stderr).toBe(0);
    const v = await waitForRollout(
      c.client,
      (r) => r.phase === 'Healthy' && r.stableRS === canaryHash,
      30_000,
      'Healthy on the canary revision',
    );
    expect(v.currentPodHash).toBe(canaryHash);
    // The old stable is scaled down (scaleDownDelaySeconds 2) and all traffic goes to the new revision.
    await waitFor(async () => ((await podsOf(stableHash)).length === 0 ? true : undefined), 20_000, 'old pods gone');
    await c.cluster.flushRouter();
    const replies = await burst(router(), 100, 8);
    expect(replies.every((r) => r.status === 200 && r.pod?.startsWith(`${SEED_ROLLOUT}-${canaryHash}-`))).toBe(true);
  });

  it('loses zero requests across 100 weight changes under load (promote through 100 setWeight steps)', async () => {
    // A Rollout whose steps alternate the weight between 10 and 90, each followed by an indefinite pause: every
    // promote moves to the next setWeight, the controller rewrites the canary Ingress' weight and the server
    // pushes the router a new table, while a constant load runs through the router.
    const steps: unknown[] = [];
    for (let i = 0; i < 100; i++) steps.push({ setWeight: i % 2 === 0 ? 10 : 90 }, { pause: {} });
    const [rollout] = seedWith({ steps, dropAnalysis: true, image: `${SEED_IMAGE}:3.0.0` }).filter(
      (o) => o.kind === 'Rollout',
    );
    if (rollout === undefined) throw new Error('the seed has no Rollout');
    const load = new Load(router, 50, 90).start();
    await applyAll(c.client, [rollout]);
    const weights: number[] = [];
    let newHash = '';
    for (let i = 0; i < 100; i++) {
      const v = await waitForRollout(c.client, (r) => r.step === 2 * i + 1 && r.paused, 15_000, `pause ${i}`);
      weights.push(v.canaryWeight ?? -1);
      newHash = v.currentPodHash ?? '';
      // Let a few requests through at each weight before changing it again.
      const seen = load.replies.length;
      await waitFor(
        () => Promise.resolve(load.replies.length >= seen + 3 ? true : undefined),
        5_000,
        'requests at this weight',
      );
      if (i < 99) await c.client.operate(SEED_NAMESPACE, SEED_ROLLOUT, 'promote');
    }
    await c.cluster.flushRouter();
    const replies = await load.stop();
    expect(newHash).not.toBe(canaryHash);
    expect(weights).toEqual(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 10 : 90)));
    const failures = replies.filter((r) => r.status !== 200);
    // The pods of the old canary still say "canary" (a process keeps the environment it started with): count by pod.
    const toNew = replies.filter((r) => r.pod?.startsWith(`${SEED_ROLLOUT}-${newHash}-`)).length;
    const toOld = replies.filter((r) => r.pod?.startsWith(`${SEED_ROLLOUT}-${canaryHash}-`)).length;
    console.info(
      `100 weight changes: ${replies.length} requests, ${failures.length} failed, ${toNew} to the new revision, ${toOld} to the stable one`,
    );
    expect(failures).toEqual([]);
    expect(toNew + toOld).toBe(replies.length);
    expect(toNew).toBeGreaterThan(0);
    expect(toOld).toBeGreaterThan(0);
  }, 120_000);
});
