import { Command, Option } from '@commander-js/extra-typings';
import type { KubeObject } from '../../../api/index.js';
import { KanaryError } from '../../../common/index.js';
import { resolveKind } from '../../../common/index.js';
import type { RolloutInfo } from '../../../info/index.js';
import { renderRollout, renderRolloutList, useColor } from '../../render/index.js';
import { namespaceOption, outputOption, type CliContext, type OutputFormat } from './context.js';
import { formatOutput } from './output.js';
import { ClusterWatcher, throttle } from './watcher.js';

/**
 * `kanary get KIND [NAME]`: `get rollout NAME` draws Argo's header and tree (live with `--watch`); any other kind,
 * or `-o json|yaml`, prints the objects as the API stores them.
 */
export function getCommand(ctx: () => CliContext) {
  return new Command('get')
    .description('show a rollout as a tree (get rollout NAME [--watch]) or any objects (get KIND [NAME] -o yaml)')
    .argument('<kind>', 'rollout (ro), analysisrun (ar), replicaset (rs), pod, service, ...')
    .argument('[name]', 'the object; all objects of the kind when left out')
    .addOption(namespaceOption())
    .option('-A, --all-namespaces', 'list across every namespace')
    .addOption(outputOption())
    .option('-w, --watch', 'keep redrawing as the rollout changes (get rollout NAME only)')
    .option('--no-color', 'never colour the output')
    .addOption(new Option('--timeout-seconds <n>', 'stop watching after this many seconds (0: never)').default('0'))
    .action(async (kind, name, opts) => {
      const c = ctx();
      const k = resolveKind(kind);
      if (k === undefined)
        throw new KanaryError(
          'BAD_USAGE',
          `unknown kind "${kind}"; try rollout, analysisrun, replicaset, pod, service`,
        );
      const ns = opts.allNamespaces === true ? undefined : opts.namespace;
      if (k.kind === 'Rollout' && opts.output === undefined) {
        const color = useColor(c.out, c.env, opts.color);
        if (name === undefined) {
          c.out.write(await listText(c, ns, color));
          return;
        }
        if (opts.watch === true) {
          await watchRollout(c, opts.namespace, name, { color, timeoutMs: Number(opts.timeoutSeconds) * 1000 });
          return;
        }
        c.out.write(renderRollout(await fetchInfo(c, opts.namespace, name), { color }));
        return;
      }
      await printObjects(c, k.plural, k.namespaced ? ns : undefined, name, opts.output ?? 'yaml');
    });
}

async function printObjects(
  c: CliContext,
  plural: string,
  ns: string | undefined,
  name: string | undefined,
  format: OutputFormat,
): Promise<void> {
  if (name !== undefined) {
    c.out.write(await formatOutput(await c.client.get(plural, ns ?? '', name), format));
    return;
  }
  const items = await c.client.list<KubeObject>(plural, ns);
  c.out.write(await formatOutput(format === 'json' ? { items } : items, format));
}

/** One Rollout's view model, built from the objects the server holds (no server-side view model needed). */
export async function fetchInfo(c: CliContext, ns: string, name: string): Promise<RolloutInfo> {
  const w = new ClusterWatcher(c.client, ns, () => undefined);
  await c.client.get('rollouts', ns, name);
  await w.load();
  const info = w.cache.info(ns, name, Date.now());
  if (info === undefined) throw new KanaryError('NOT_FOUND', `Rollout "${name}" not found in namespace "${ns}"`);
  return info;
}

async function listText(c: CliContext, ns: string | undefined, color: boolean): Promise<string> {
  const w = new ClusterWatcher(c.client, ns, () => undefined);
  await w.load();
  const infos = w.cache.infos(Date.now());
  if (infos.length === 0) return `No resources found${ns === undefined ? '' : ` in namespace "${ns}"`}.\n`;
  return renderRolloutList(infos, { color, allNamespaces: ns === undefined });
}

export interface WatchOptions {
  color: boolean;
  /** Stop after this long; 0 or less watches until interrupted. */
  timeoutMs: number;
}

/**
 * Redraws the rollout on every change (at most 10 frames a second) and once a second for the ages. On a TTY the
 * frame is replaced in place with log-update; otherwise each changed frame is printed after a blank line.
 */
export async function watchRollout(c: CliContext, ns: string, name: string, options: WatchOptions): Promise<void> {
  await c.client.get('rollouts', ns, name);
  const tty = c.out.isTTY === true;
  // log-update is loaded only for a terminal watch: every other `get` prints plain text.
  const paint = tty
    ? (await import('log-update')).createLogUpdate(sizedTerminal(c.out), { showCursor: true })
    : undefined;
  let lastFrame = '';
  const draw = (): void => {
    const info = w.cache.info(ns, name, Date.now());
    const frame =
      info === undefined ? `Rollout "${name}" was deleted\n` : renderRollout(info, { color: options.color });
    if (frame === lastFrame) return;
    lastFrame = frame;
    if (paint !== undefined) paint(frame.trimEnd());
    else c.out.write(`${frame}\n`);
  };
  const frames = throttle(draw, 100);
  const w = new ClusterWatcher(c.client, ns, frames.request);
  // A closed pipe (`... | head`) ends the watch quietly instead of crashing on EPIPE.
  c.out.on('error', () => w.stop());
  await w.load();
  const ticker = setInterval(frames.request, 1000);
  const done = new Promise<void>((resolve) => {
    const stop = (): void => {
      w.stop();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (options.timeoutMs > 0) setTimeout(stop, options.timeoutMs).unref();
  });
  await Promise.race([w.follow(), done]);
  w.stop();
  clearInterval(ticker);
  frames.cancel();
  draw();
  paint?.done();
}

/**
 * The output stream with a usable size: a pseudo-terminal without a window size reports 0 rows and columns, and
 * log-update would then clip every frame to nothing.
 */
function sizedTerminal(out: CliContext['out']): NodeJS.WriteStream {
  const terminal = {
    isTTY: true,
    get columns(): number {
      return (out.columns ?? 0) > 0 ? (out.columns ?? 0) : 160;
    },
    get rows(): number {
      return (out.rows ?? 0) > 0 ? (out.rows ?? 0) : 60;
    },
    write: (chunk: string): boolean => out.write(chunk),
    on: (event: string, listener: () => void) => out.on(event, listener),
    off: (event: string, listener: () => void) => out.off(event, listener),
  };
  return terminal as unknown as NodeJS.WriteStream;
}
