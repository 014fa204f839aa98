import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeApiServer } from '../../test/harness/fake-apiserver.js';
import { KubeClient } from './client.js';
import { LeaderElector, type Lease } from './leader.js';
import { KubernetesStore } from './store.js';

/**
 * Two controllers sharing one Lease on a FAKE API server (test/harness/fake-apiserver.ts), with short real
 * durations: lease 1.2 s, renew deadline 0.8 s, retry 0.1 s.
 */
describe('LeaderElector over a Lease (fake API server)', () => {
  let fake: FakeApiServer;
  const stores: KubernetesStore[] = [];
  const electors: LeaderElector[] = [];

  beforeEach(async () => {
    fake = await FakeApiServer.start({ bookmarkIntervalMs: 0 });
  });
  afterEach(async () => {
    for (const e of electors.splice(0)) await e.stop({ release: false });
    for (const s of stores.splice(0)) await s.close();
    await fake.close();
  });

  /** One replica: its own store (its own connections) and an "acting" flag its leadership turns on and off. */
  function replica(identity: string): { elector: LeaderElector; acting: () => boolean; log: string[] } {
    const kc = new KubeConfig();
    kc.loadFromString(fake.kubeconfig());
    const store = new KubernetesStore({ client: new KubeClient(kc) });
    stores.push(store);
    let acting = false;
    const log: string[] = [];
    const elector = new LeaderElector({
      store,
      namespace: 'kanary-system',
      name: 'kanary-controller',
      identity,
      leaseDurationSeconds: 1.2,
      renewDeadlineSeconds: 0.8,
      retryPeriodSeconds: 0.1,
      onStartedLeading: () => {
        acting = true;
        log.push('started');
      },
      onStoppedLeading: () => {
        acting = false;
        log.push('stopped');
      },
    });
    electors.push(elector);
    return { elector, acting: () => acting, log };
  }

  const lease = (): Lease | undefined =>
    fake.peek('leases', 'kanary-system', 'kanary-controller', 'coordination.k8s.io') as Lease | undefined;

  it('lets exactly one of two replicas act, and it renews the Lease', async () => {
    const a = replica('pod-a');
    const b = replica('pod-b');
    a.elector.start();
    b.elector.start();
    await vi.waitFor(() => expect(a.acting() || b.acting()).toBe(true));
    const renewTimes = new Set<string>();
    for (let i = 0; i < 8; i++) {
      expect([a.acting(), b.acting()].filter(Boolean)).toHaveLength(1);
      renewTimes.add(lease()?.spec?.renewTime ?? '');
      await new Promise((r) => setTimeout(r, 100));
    }
    const leader = a.acting() ? a : b;
    expect(lease()?.spec?.holderIdentity).toBe(leader.elector.identity);
    expect(renewTimes.size).toBeGreaterThan(1);
  });

  it('hands over at the standby next retry when the leader stops and releases the Lease', async () => {
    const a = replica('pod-a');
    a.elector.start();
    await vi.waitFor(() => expect(a.acting()).toBe(true));
    const b = replica('pod-b');
    b.elector.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(b.acting()).toBe(false);
    const stoppedAt = Date.now();
    await a.elector.stop();
    expect(a.log).toEqual(['started', 'stopped']);
    await vi.waitFor(() => expect(b.acting()).toBe(true), { timeout: 1200 });
    expect(Date.now() - stoppedAt).toBeLessThan(1200);
    expect(lease()?.spec?.holderIdentity).toBe('pod-b');
    expect(lease()?.spec?.leaseTransitions).toBe(1);
  });

  it('takes over within the lease duration after a leader that vanished without releasing', async () => {
    const a = replica('pod-a');
    a.elector.start();
    await vi.waitFor(() => expect(a.acting()).toBe(true));
    const b = replica('pod-b');
    b.elector.start();
    await new Promise((r) => setTimeout(r, 200));
    const crashedAt = Date.now();
    await a.elector.stop({ release: false }); // a crash: the Lease still names pod-a
    expect(lease()?.spec?.holderIdentity).toBe('pod-a');
    await vi.waitFor(() => expect(b.acting()).toBe(true), { timeout: 2500 });
    // lease duration plus one retry period and request slack
    expect(Date.now() - crashedAt).toBeLessThan(1200 + 100 + 400);
    expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(900);
  });

  it('steps down when it cannot renew within the renew deadline', async () => {
    const a = replica('pod-a');
    a.elector.start();
    await vi.waitFor(() => expect(a.acting()).toBe(true));
    // Another writer takes the Lease away behind its back: a's renewals fail from now on.
    const current = lease();
    await stores[0]?.update<Lease>({
      ...(current as Lease),
      spec: { ...current?.spec, holderIdentity: 'intruder', renewTime: new Date().toISOString() },
    });
    await vi.waitFor(() => expect(a.acting()).toBe(false), { timeout: 2000 });
    expect(a.log).toEqual(['started', 'stopped']);
  });

  it('rejects durations out of order', () => {
    expect(
      () =>
        new LeaderElector({
          store: stores[0] as unknown as KubernetesStore,
          namespace: 'x',
          name: 'y',
          identity: 'z',
          leaseDurationSeconds: 5,
          renewDeadlineSeconds: 10,
          onStartedLeading: () => undefined,
          onStoppedLeading: () => undefined,
        }),
    ).toThrow(/leaseDuration \(5s\) > renewDeadline \(10s\)/);
  });
});
