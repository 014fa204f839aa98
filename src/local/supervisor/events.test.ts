import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { realClock } from '../../controller/runtime/index.js';
import { createApiApp } from '../../server/index.js';
import { MemoryStore } from '../../store/index.js';
import { EventRecorder, type EventObject } from '../events/index.js';
import type { ContainerEvent } from './container.js';
import { freePort, Harness, isReady, makePod, waitFor } from './testing.js';

// A real process probed every second until it is killed and restarted: a few seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 90_000 });

let h: Harness;
let store: MemoryStore;
beforeEach(() => {
  h = new Harness();
  store = new MemoryStore();
});
afterEach(async () => {
  await h.cleanup();
  await store.close();
});

describe('Supervisor: kubelet events through onEvent', () => {
  it('a failing liveness probe leaves an aggregated Unhealthy event, a Killing event and a BackOff in the store', async () => {
    const recorder = new EventRecorder({ store, clock: realClock, host: 'kanary-local' });
    const heard: ContainerEvent[] = [];
    const supervisor = h.supervisor({
      onEvent: (pod, container, event) => {
        heard.push(event);
        recorder.record(pod, container, event);
      },
    });
    const port = await freePort();
    const gate = join(h.dir, 'healthy');
    writeFileSync(gate, ''); // HEALTH_FILE: healthy while it exists
    const pod = makePod(
      'ev-1',
      [
        h.container(
          { PORT: String(port), HEALTH_FILE: gate },
          {
            ports: [{ name: 'http', containerPort: port }],
            livenessProbe: {
              httpGet: { path: '/healthz', port: 'http' },
              // Past the fixture's start, so that every failure is the 503 of the removed health file.
              initialDelaySeconds: 1,
              periodSeconds: 1,
              failureThreshold: 2,
              terminationGracePeriodSeconds: 1,
            },
          },
        ),
      ],
      { restartPolicy: 'Always' },
    );
    await supervisor.sync([pod]);
    await waitFor('ready', () => isReady(h.status('test/ev-1')));
    rmSync(gate);
    await waitFor('killed and backing off', () => heard.some((e) => e.reason === 'BackOff'));
    writeFileSync(gate, '');
    await recorder.flush();

    const stored = (await store.list<EventObject>('Event', { namespace: 'test' })).items;
    const byReason = (reason: string): EventObject[] => stored.filter((e) => e.reason === reason);
    const [unhealthy, ...moreUnhealthy] = byReason('Unhealthy');
    expect(moreUnhealthy).toEqual([]); // one row, however many failures
    expect(unhealthy).toMatchObject({
      type: 'Warning',
      message: 'Liveness probe failed: HTTP probe failed with statuscode: 503',
      involvedObject: {
        kind: 'Pod',
        namespace: 'test',
        name: 'ev-1',
        uid: pod.metadata.uid,
        fieldPath: 'spec.containers{app}',
      },
      source: { component: 'kubelet' },
    });
    expect(unhealthy?.count).toBeGreaterThanOrEqual(2);
    expect(byReason('Killing')).toMatchObject([
      { type: 'Normal', message: 'Container app failed liveness probe, will be restarted', count: 1 },
    ]);
    expect(byReason('BackOff')[0]?.message).toBe(
      `Back-off restarting failed container app in pod ev-1_test(${pod.metadata.uid ?? ''})`,
    );
    expect(byReason('Started')[0]).toMatchObject({ message: 'Started container app' });
    expect(byReason('Created')[0]).toMatchObject({ message: 'Created container app' });

    // The API lists them as `kubectl get events` would read them.
    const app = createApiApp({ store, token: 'x'.repeat(43) });
    const res = await app.request('/api/v1/namespaces/test/events');
    expect(res.status).toBe(200);
    const listed = (await res.json()) as { items: EventObject[] };
    expect(listed.items.map((e) => e.reason)).toEqual(expect.arrayContaining(['Unhealthy', 'Killing']));
    await recorder.close();
  });

  it('a pod stopped by sync reports Killing "Stopping container"', async () => {
    const heard: ContainerEvent[] = [];
    const supervisor = h.supervisor({ onEvent: (_pod, _container, event) => heard.push(event) });
    const pod = makePod('ev-2', [h.container({})]);
    await supervisor.sync([pod]);
    await waitFor('started', () => heard.some((e) => e.reason === 'Started'));
    await supervisor.sync([]);
    await waitFor('gone', () => h.gone.includes('test/ev-2'));
    expect(heard).toContainEqual({ type: 'Normal', reason: 'Killing', message: 'Stopping container app' });
  });

  it('a missing Secret is a Failed event, repeated on each retry', async () => {
    const heard: ContainerEvent[] = [];
    const supervisor = h.supervisor({
      onEvent: (_pod, _container, event) => heard.push(event),
      secrets: () => Promise.resolve(undefined),
    });
    const pod = makePod('ev-3', [
      h.container({}, { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }),
    ]);
    await supervisor.sync([pod]);
    await waitFor('retried', () => heard.filter((e) => e.reason === 'Failed').length >= 2 || undefined);
    const failed = heard.find((e) => e.reason === 'Failed');
    expect(failed?.type).toBe('Warning');
    expect(failed?.message).toMatch(/^Error: .*nope/);
  });
});
