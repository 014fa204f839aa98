/**
 * Child process of the crash-durability test: writes to a SqliteStore as fast as it can and prints one line per
 * acknowledged write ("<name> <resourceVersion>"), until its parent kills it with SIGKILL.
 * Usage: node --import tsx crash-writer.fixture.ts <database path>
 */
import type { KubeObject } from '../api/meta.js';
import { SqliteStore } from './sqlite.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: crash-writer.fixture.ts <database path>');
const store = new SqliteStore({ path });
for (let i = 0; ; i++) {
  const name = `pod-${i}`;
  const created = await store.create<KubeObject>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
  });
  const patched = await store.patch('Pod', 'default', 'counter', { spec: { value: i } }).catch(async () =>
    store.create<KubeObject>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'counter', namespace: 'default' },
      spec: { value: i },
    }),
  );
  process.stdout.write(`${name} ${created.metadata.resourceVersion ?? ''} ${patched.metadata.resourceVersion ?? ''}\n`);
}
