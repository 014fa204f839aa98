import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeApiServer } from '../harness/fake-apiserver.js';

/**
 * `kanary controller` as real processes against a FAKE API server (test/harness/fake-apiserver.ts; no real
 * kube-apiserver can run here): two replicas with --leader-elect share one Lease, only one acts, and the other
 * takes over when the first is stopped. Short lease timings keep the test quick.
 */
const BIN = fileURLToPath(new URL('../../bin/kanary.js', import.meta.url));

interface Replica {
  proc: ResultPromise;
  output: () => string;
}

describe('kanary controller processes against a fake API server', () => {
  let fake: FakeApiServer;
  let dir: string;
  const replicas: Replica[] = [];

  beforeEach(async () => {
    fake = await FakeApiServer.start({ bookmarkIntervalMs: 200 });
    dir = mkdtempSync(join(tmpdir(), 'kanary-kube-'));
    writeFileSync(join(dir, 'kubeconfig'), fake.kubeconfig());
  });
  afterEach(async () => {
    for (const r of replicas.splice(0)) {
      r.proc.kill('SIGKILL');
      await r.proc.catch(() => undefined);
    }
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(name: string, extra: string[] = []): Replica {
    const proc = execa(
      process.execPath,
      [BIN, 'controller', '--kubeconfig', join(dir, 'kubeconfig'), '--metrics-port', '0', ...extra],
      { env: { POD_NAME: name, POD_NAMESPACE: 'kanary-system' }, reject: false, all: true, buffer: false },
    );
    let text = '';
    proc.all.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const replica = { proc, output: () => text };
    replicas.push(replica);
    return replica;
  }

  const LEADER = ['--leader-elect', '--lease-duration', '3', '--renew-deadline', '2', '--retry-period', '0.2'];

  it('two replicas: exactly one leads and acts; the other takes over after the leader stops', async () => {
    const a = start('pod-a', LEADER);
    await vi.waitFor(() => expect(a.output()).toContain('pod-a became the leader'), { timeout: 15_000, interval: 100 });
    const b = start('pod-b', LEADER);
    await vi.waitFor(() => expect(b.output()).toContain('waiting for the Lease'), { timeout: 15_000, interval: 100 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(b.output()).not.toContain('became the leader');
    expect(fake.peek('leases', 'kanary-system', 'kanary-controller', 'coordination.k8s.io')?.spec).toMatchObject({
      holderIdentity: 'pod-a',
    });

    a.proc.kill('SIGTERM');
    const exit = await a.proc;
    expect(exit.exitCode).toBe(0);
    expect(a.output()).toContain('stopped acting');
    await vi.waitFor(() => expect(b.output()).toContain('pod-b became the leader'), { timeout: 3_000, interval: 50 });
    expect(fake.peek('leases', 'kanary-system', 'kanary-controller', 'coordination.k8s.io')?.spec).toMatchObject({
      holderIdentity: 'pod-b',
    });
  }, 60_000);

  it('serves /metrics and exits 2 on conflicting flags, 2 on a missing context', async () => {
    const r = start('pod-m', ['--instance-id', '']);
    await vi.waitFor(() => expect(r.output()).toMatch(/metrics on :\d+/), { timeout: 15_000, interval: 100 });
    const port = /metrics on :(\d+)/.exec(r.output())?.[1] ?? '';
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE rollout_reconcile histogram');

    const bad = await execa(
      process.execPath,
      [BIN, 'controller', '--kubeconfig', join(dir, 'kubeconfig'), '-n', 'x', '-A'],
      { reject: false },
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('-n and --all-namespaces exclude each other');
    const noContext = await execa(
      process.execPath,
      [BIN, 'controller', '--kubeconfig', join(dir, 'kubeconfig'), '--context', 'nope'],
      { reject: false },
    );
    expect(noContext.exitCode).toBe(2);
    expect(noContext.stderr).toContain('--context nope: no such context');
  }, 60_000);
});
