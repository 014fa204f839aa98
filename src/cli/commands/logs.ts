import { Command } from '@commander-js/extra-typings';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { KanaryClient, resolveConnection } from '../../client/index.js';
import { KanaryError } from '../../common/index.js';

/** `kanary logs POD [-f]`: a pod's output, from the supervisor's log files, through the server. */
export function logsCommand(): CommandUnknownOpts {
  return new Command('logs')
    .description("print a pod's logs (local mode)")
    .argument('<pod>', 'the pod name')
    .option('-n, --namespace <ns>', "the pod's namespace", 'default')
    .option('-f, --follow', 'keep printing new lines')
    .option('-c, --container <name>', 'the container (default: the first)')
    .option('--tail <n>', 'only the last N lines')
    .action(async (pod, opts) => {
      const client = new KanaryClient(resolveConnection());
      const q = new URLSearchParams();
      if (opts.follow === true) q.set('follow', 'true');
      if (opts.container !== undefined) q.set('container', opts.container);
      if (opts.tail !== undefined) q.set('tailLines', opts.tail);
      const url = `${client.url}/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods/${encodeURIComponent(pod)}/log?${q.toString()}`;
      const res = await fetch(url).catch((err: unknown) => {
        throw new KanaryError(
          'PROVIDER_UNAVAILABLE',
          `cannot reach the Kanary server at ${client.url}: ${String(err)}`,
        );
      });
      if (!res.ok || res.body === null) {
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        throw new KanaryError(
          res.status === 404 ? 'NOT_FOUND' : 'INTERNAL',
          body.message ?? `logs of ${pod}: HTTP ${res.status}`,
        );
      }
      const reader = res.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        process.stdout.write(value);
      }
    });
}
