import { Command, Option } from '@commander-js/extra-typings';
import { assertValid, formatDiagnostic, loadPaths, type KubeObject } from '../../../api/index.js';
import { KanaryError } from '../../../common/index.js';
import { kindByName, resolveKind } from '../../../common/index.js';
import type { CliContext } from './context.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * `kanary apply -f PATH`: loads YAML files or directories, refuses the whole batch if any document has an error
 * (with `file:line:col`), then creates or replaces each object with PUT, in file order.
 */
export function applyCommand(ctx: () => CliContext) {
  return new Command('apply')
    .description('create or replace objects from YAML files or directories')
    .requiredOption('-f, --filename <path>', 'a YAML file or directory (repeatable)', collect)
    .option('-n, --namespace <ns>', 'the namespace for objects that name none', 'default')
    .action(async (opts) => {
      const c = ctx();
      const loaded = loadPaths(opts.filename);
      const errors = [...loaded.diagnostics, ...loaded.documents.flatMap((d) => d.diagnostics)].filter(
        (d) => d.severity === 'error',
      );
      if (errors.length > 0) {
        throw new KanaryError('INVALID_SPEC', `nothing applied:\n${errors.map(formatDiagnostic).join('\n')}`);
      }
      for (const doc of loaded.documents) {
        const obj = (doc.object ?? doc.raw) as KubeObject;
        const kind = kindByName(obj.kind);
        if (kind === undefined)
          throw new KanaryError('NOT_SUPPORTED', `${doc.file}: the server does not store kind "${obj.kind}"`);
        if (doc.object !== undefined) assertValid(doc.object);
        const ns = kind.namespaced ? (obj.metadata.namespace ?? opts.namespace) : '';
        await c.client.apply(kind.plural, ns, {
          ...obj,
          metadata: { ...obj.metadata, ...(kind.namespaced ? { namespace: ns } : {}) },
        });
        c.out.write(`${kind.kind.toLowerCase()}/${obj.metadata.name ?? ''} applied\n`);
      }
    });
}

/** `--cascade` as kubectl spells it, and the API's propagation policy it asks for. */
const CASCADE = { background: 'Background', orphan: 'Orphan', foreground: 'Foreground' } as const;

/**
 * `kanary delete KIND NAME [--cascade=background|orphan|foreground]`: as `kubectl delete`, dependents (a Rollout's
 * ReplicaSets and their Pods, its canary Ingress and AnalysisRuns) go after the object by default; `orphan` keeps
 * them, without their reference to it. `foreground` is accepted and behaves as `background`.
 */
export function deleteCommand(ctx: () => CliContext) {
  return new Command('delete')
    .description('delete an object (delete KIND NAME)')
    .argument('<kind>', 'rollout, analysistemplate, service, ...')
    .argument('<name>', 'the object')
    .option('-n, --namespace <ns>', 'the namespace', 'default')
    .addOption(
      new Option('--cascade <mode>', 'what becomes of its dependents: deleted after it (background) or kept (orphan)')
        .choices(['background', 'orphan', 'foreground'] as const)
        .default('background' as const),
    )
    .action(async (kindArg, name, opts) => {
      const c = ctx();
      const kind = resolveKind(kindArg);
      if (kind === undefined) throw new KanaryError('BAD_USAGE', `unknown kind "${kindArg}"`);
      const res = await c.client.delete(kind.plural, kind.namespaced ? opts.namespace : '', name, {
        propagationPolicy: CASCADE[opts.cascade],
      });
      c.out.write(`${kind.kind.toLowerCase()}/${name} deleted\n`);
      for (const d of res.orphaned ?? []) c.out.write(`${d.kind.toLowerCase()}/${d.name} orphaned\n`);
    });
}
