import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'undici';
import { join } from 'node:path';
import type { RunningRouter } from '../../local/router/index.js';
import { buildRoutingTable, startRouter } from '../../local/router/index.js';
import type { Upstream } from '../../local/router/testing.js';
import { canaryAnnotations, ingress, pod, podIp, service, startUpstream } from '../../local/router/testing.js';

/**
 * Test fixture for the router and judge providers: a real router in process on a free loopback port, routing host
 * `sample.app` to a stable pod (Service `sample-app`) and, with header `X-Canary: always`, to a canary pod
 * (Service `sample-app-canary`), both tiny upstream servers (`/status/NNN`, `/slow/MS`).
 */
export interface RoutedPair {
  readonly router: RunningRouter;
  /** Sends `count` requests to one arm, sequentially; resolves with the status codes. */
  send(arm: 'canary' | 'stable', path: string, count: number): Promise<number[]>;
  close(): Promise<void>;
}

const TOKEN = 'kanary-provider-tests-token';

export async function startRoutedPair(): Promise<RoutedPair> {
  const dir = await mkdtemp(join(tmpdir(), 'kanary-providers-'));
  const [stable, canary]: Upstream[] = await Promise.all([
    startUpstream(podIp(10), 'sample-app-aaa-1'),
    startUpstream(podIp(11), 'sample-app-bbb-1'),
  ]);
  if (stable === undefined || canary === undefined) throw new Error('upstreams did not start');
  const router = await startRouter({ port: 0, stateFile: join(dir, 'table.json'), adminToken: TOKEN });
  const lbl = (hash: string) => ({ app: 'sample-app', 'rollouts-pod-template-hash': hash });
  await router.applyTable(
    buildRoutingTable({
      ingresses: [
        ingress('sample-app', { host: 'sample.app', service: 'sample-app' }),
        ingress('sample-app-sample-app-canary', {
          host: 'sample.app',
          service: 'sample-app-canary',
          annotations: canaryAnnotations({ 'canary-weight': '0', 'canary-by-header': 'X-Canary' }),
        }),
      ],
      services: [service('sample-app', lbl('aaa')), service('sample-app-canary', lbl('bbb'))],
      pods: [
        pod(stable.name, lbl('aaa'), stable.ip, stable.port),
        pod(canary.name, lbl('bbb'), canary.ip, canary.port),
      ],
    }),
  );
  const send = async (arm: 'canary' | 'stable', path: string, count: number): Promise<number[]> => {
    const codes: number[] = [];
    for (let i = 0; i < count; i++) {
      const res = await request(`${router.url}${path}`, {
        headers: { host: 'sample.app', 'x-canary': arm === 'canary' ? 'always' : 'never' },
      });
      await res.body.arrayBuffer();
      codes.push(res.statusCode);
    }
    return codes;
  };
  return {
    router,
    send,
    close: async () => {
      await router.close();
      await Promise.all([stable.close(), canary.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
