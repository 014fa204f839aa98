import { Command } from '@commander-js/extra-typings';
import type { RolloutInfo } from '../../../info/index.js';
import { renderStatusLine } from '../../render/index.js';
import { namespaceOption, outputOption, type CliContext } from './context.js';
import { durationArg, outputFormatter } from './output.js';
import { fetchInfo } from './get.js';
import { ClusterWatcher } from './watcher.js';

/**
 * Exit codes of `kanary status`, for CI pipelines (documented in docs/cli.md). Usage errors exit 2 as everywhere
 * in the CLI; an unreachable server or unknown rollout exits 1 with an `error:` line on stderr.
 */
export const STATUS_EXIT = {
  healthy: 0,
  degraded: 1,
  timeout: 2,
  progressing: 3,
  paused: 4,
} as const;

export function statusExitCode(info: Pick<RolloutInfo, 'status'>): number {
  switch (info.status) {
    case 'Healthy':
      return STATUS_EXIT.healthy;
    case 'Degraded':
      return STATUS_EXIT.degraded;
    case 'Progressing':
      return STATUS_EXIT.progressing;
    case 'Paused':
      return STATUS_EXIT.paused;
  }
}

/**
 * `kanary status NAME`: prints `Phase - message` each time it changes until the rollout is Healthy (exit 0) or
 * Degraded (exit 1), or `--timeout` passes (exit 2). `--no-watch` prints one line and exits with the phase's code.
 */
export function statusCommand(ctx: () => CliContext) {
  return new Command('status')
    .description('wait for a rollout to finish: exit 0 Healthy, 1 Degraded, 2 timed out (see docs/cli.md)')
    .argument('<rollout>', 'the rollout')
    .option('-w, --watch', 'keep watching until Healthy or Degraded (the default)', true)
    .option('--no-watch', 'print the status once')
    .option('-t, --timeout <duration>', 'give up after this long (30s, 5m; 0: never)', '0')
    .addOption(namespaceOption())
    .addOption(outputOption())
    .action(async (name, opts) => {
      const c = ctx();
      const ns = opts.namespace;
      const timeoutMs = durationArg('--timeout', opts.timeout);
      // Loaded before watching so that every line prints synchronously, in the order the changes arrive.
      const format = opts.output === undefined ? undefined : await outputFormatter(opts.output);
      const print = (info: RolloutInfo): void => {
        c.out.write(
          format === undefined ? `${renderStatusLine(info)}\n` : format({ status: info.status, message: info.message }),
        );
      };
      if (!opts.watch) {
        const info = await fetchInfo(c, ns, name);
        print(info);
        process.exitCode = statusExitCode(info);
        return;
      }
      process.exitCode = await watchStatus(c, ns, name, timeoutMs, print);
    });
}

async function watchStatus(
  c: CliContext,
  ns: string,
  name: string,
  timeoutMs: number,
  print: (info: RolloutInfo) => void,
): Promise<number> {
  await c.client.get('rollouts', ns, name);
  let last = '';
  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (code: number): void => {
      if (timer !== undefined) clearTimeout(timer);
      w.stop();
      resolve(code);
    };
    const check = (): void => {
      const info = w.cache.info(ns, name, Date.now());
      if (info === undefined) return;
      const line = renderStatusLine(info);
      if (line !== last) {
        last = line;
        print(info);
      }
      if (info.status === 'Healthy') finish(STATUS_EXIT.healthy);
      else if (info.status === 'Degraded') {
        process.stderr.write(`The rollout is in a degraded state with message: ${info.message}\n`);
        finish(STATUS_EXIT.degraded);
      }
    };
    const w = new ClusterWatcher(c.client, ns, check);
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        process.stderr.write('Rollout status watch exceeded timeout\n');
        finish(STATUS_EXIT.timeout);
      }, timeoutMs);
    }
    w.load()
      .then(() => w.follow())
      .catch((err: unknown) => {
        process.stderr.write(`error: ${(err as Error).message}\n`);
        finish(1);
      });
  });
}
