import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import type { KubeObject } from '../api/meta.js';
import { SqliteStore } from './sqlite.js';

const fixture = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer child until it has acknowledged `acks` writes (plus some in flight), then SIGKILLs it. */
function writeUntilKilled(path: string, acks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length >= acks && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`writer exited with ${String(code)} before it was killed: ${stderr}`));
    });
  });
}

it('keeps every acknowledged write after the writing process is killed with SIGKILL', async () => {
  dir = mkdtempSync(join(tmpdir(), 'kanary-crash-'));
  const path = join(dir, 'state.db');
  const acknowledged = await writeUntilKilled(path, 150);
  expect(acknowledged.length).toBeGreaterThanOrEqual(150);

  const store = new SqliteStore({ path });
  const { items } = await store.list('Pod', { namespace: 'default' });
  const stored = new Map(items.map((o: KubeObject) => [o.metadata.name, o.metadata.resourceVersion]));
  for (const line of acknowledged) {
    const [name, version] = line.split(' ');
    expect(stored.get(name), `${name ?? line} was acknowledged but is missing`).toBe(version);
  }
  const last = acknowledged.at(-1)?.split(' ') ?? [];
  const counter = await store.get<KubeObject & { spec: { value: number } }>('Pod', 'default', 'counter');
  expect(Number(counter?.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(last[2]));
  expect(counter?.spec.value).toBeGreaterThanOrEqual(acknowledged.length - 1);
  // The store is usable after the crash: versions keep growing past everything acknowledged.
  const after = await store.create<KubeObject>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'after', namespace: 'default' },
  });
  expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(last[2]));
  await store.close();
});
