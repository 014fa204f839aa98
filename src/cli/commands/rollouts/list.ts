import { Command } from '@commander-js/extra-typings';
import { KanaryError } from '../../../common/index.js';
import { renderRolloutList, useColor } from '../../render/index.js';
import { namespaceOption, outputOption, type CliContext } from './context.js';
import { formatOutput } from './output.js';
import { ClusterWatcher } from './watcher.js';

/** `kanary list rollouts`: Argo's table (NAME STRATEGY STATUS STEP SET-WEIGHT READY DESIRED UP-TO-DATE AVAILABLE). */
export function listCommand(ctx: () => CliContext) {
  return new Command('list')
    .description('list rollouts as a table')
    .argument('<what>', 'rollouts')
    .addOption(namespaceOption())
    .option('-A, --all-namespaces', 'every namespace')
    .option('--name <name>', 'only the rollout with this name')
    .addOption(outputOption())
    .option('--no-color', 'never colour the output')
    .action(async (what, opts) => {
      if (!['rollouts', 'rollout', 'ro'].includes(what)) {
        throw new KanaryError(
          'BAD_USAGE',
          `kanary list knows "rollouts", not "${what}"; for other kinds use kanary get ${what}`,
        );
      }
      const c = ctx();
      const ns = opts.allNamespaces === true ? undefined : opts.namespace;
      const w = new ClusterWatcher(c.client, ns, () => undefined);
      await w.load();
      const infos = w.cache.infos(Date.now()).filter((i) => opts.name === undefined || i.name === opts.name);
      if (opts.output !== undefined) {
        c.out.write(await formatOutput(infos, opts.output));
        return;
      }
      if (infos.length === 0) {
        c.out.write(`No resources found${ns === undefined ? '' : ` in namespace "${ns}"`}.\n`);
        return;
      }
      c.out.write(
        renderRolloutList(infos, { color: useColor(c.out, c.env, opts.color), allNamespaces: ns === undefined }),
      );
    });
}
