import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { PodStatus } from './pod-types.js';
import { freePort, Harness, isAlive, isReady, makePod, pidOf, waitFor } from './testing.js';

// Real processes: on a loaded machine a node start alone can take seconds.
vi.setConfig({ testTimeout: 90_000 });

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.cleanup();
});

/**
 * The server is a separate process here, killed with SIGKILL: nothing of it runs its shutdown code. Its pods
 * must survive, and a supervisor started afterwards on the same state dir must adopt them.
 */
it('pods outlive a server killed with SIGKILL and are re-adopted by the next one', async () => {
  const port = await freePort();
  const pod = makePod('survivor-1', [h.container({ PORT: String(port) }, { ports: [{ containerPort: port }] })]);
  const server = join(h.dir, 'server.mts');
  const supervisorModule = pathToFileURL(fileURLToPath(new URL('./index.ts', import.meta.url))).href;
  writeFileSync(
    server,
    `import { Supervisor } from ${JSON.stringify(supervisorModule)};
const supervisor = new Supervisor({
  stateDir: ${JSON.stringify(h.stateDir)},
  podIPRange: ${JSON.stringify(h.range)},
  timing: { portProbePeriodMs: 100 },
  onStatus: (_key, status) => process.stdout.write(JSON.stringify(status) + '\\n'),
});
await supervisor.sync([${JSON.stringify(pod)}]);
setInterval(() => {}, 1000);
`,
  );
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, server], { stdio: ['ignore', 'pipe', 'inherit'] });
  let last: PodStatus | undefined;
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') last = JSON.parse(line) as PodStatus;
  });
  try {
    const pid = await waitFor('ready in the first server', () => isReady(last) && pidOf(last), 60_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(isAlive(pid)).toBe(true);
    const answer = await fetch(`http://${last?.podIP ?? ''}:${port}/`);
    expect(answer.status).toBe(200);

    const next = h.supervisor();
    await next.sync([{ ...pod, status: last }]);
    expect(pidOf(h.status('test/survivor-1'))).toBe(pid);
    expect(isReady(h.status('test/survivor-1'))).toBe(true);
    expect(next.podIP('test/survivor-1')).toBe(last?.podIP);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
