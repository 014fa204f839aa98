import { describe, expect, it } from 'vitest';
import type { KubeObject, Rollout } from '../../api/index.js';
import { KanaryError } from '../../common/index.js';
import { MemoryStore } from '../../store/index.js';
import { FakeClock } from '../runtime/index.js';
import { RolloutController } from './controller.js';

/** A store whose first N status writes of Rollouts fail with CONFLICT, as if someone wrote in between. */
class ConflictingStore extends MemoryStore {
  conflicts: number;
  constructor(conflicts: number, clock: FakeClock) {
    super({ now: () => new Date(clock.now()) });
    this.conflicts = conflicts;
  }
  override updateStatus<T extends KubeObject>(obj: T): Promise<T> {
    if (obj.kind === 'Rollout' && this.conflicts > 0) {
      this.conflicts--;
      return Promise.reject(new KanaryError('CONFLICT', 'Rollout changed since it was read'));
    }
    return super.updateStatus(obj);
  }
}

const rollout: Rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'ns' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
    strategy: { canary: { steps: [] } },
  },
};

describe('RolloutController', () => {
  it('retries a pass whose status write conflicts, and writes the status once it goes through', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const store = new ConflictingStore(2, clock);
    const controller = new RolloutController({ store, clock });
    await controller.start();
    await store.create(rollout);
    await controller.waitIdle();
    const ro = await store.get<Rollout>('Rollout', 'ns', 'web');
    expect(store.conflicts).toBe(0);
    expect(ro?.status?.stableRS).toBeDefined();
    expect(ro?.metadata.annotations?.['rollout.argoproj.io/revision']).toBe('1');
    const replicaSets = await store.list('ReplicaSet', { namespace: 'ns' });
    expect(replicaSets.items.map((r) => r.metadata.name)).toEqual([`web-${ro?.status?.stableRS ?? ''}`]);
    await controller.stop();
  });

  it('arms the engine timer: a timed pause completes when the fake clock reaches it', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const store = new MemoryStore({ now: () => new Date(clock.now()) });
    const controller = new RolloutController({ store, clock });
    await controller.start();
    await store.create({
      ...rollout,
      spec: { ...rollout.spec, strategy: { canary: { steps: [{ pause: { duration: '10s' } }] } } },
    });
    await controller.waitIdle();
    const fake = await store.get<Rollout>('Rollout', 'ns', 'web');
    // Pretend a stable exists so the update runs its steps: change the template.
    await store.update({
      ...fake!,
      spec: {
        ...fake!.spec,
        template: { ...fake!.spec.template!, spec: { containers: [{ name: 'web', image: 'web:2' }] } },
      },
    });
    await controller.waitIdle();
    expect((await store.get<Rollout>('Rollout', 'ns', 'web'))?.status?.pauseConditions?.[0]?.reason).toBe(
      'CanaryPauseStep',
    );
    await clock.advanceAsync(10_001);
    await controller.waitIdle();
    expect((await store.get<Rollout>('Rollout', 'ns', 'web'))?.status?.currentStepIndex).toBe(1);
    await controller.stop();
  });
});
