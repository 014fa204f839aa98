import { Command } from '@commander-js/extra-typings';
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

/** `kanary delete KIND NAME`. */
export function deleteCommand(ctx: () => CliContext) {
  return new Command('delete')
    .description('delete an object (delete KIND NAME)')
    .argument('<kind>', 'rollout, analysistemplate, service, ...')
    .argument('<name>', 'the object')
    .option('-n, --namespace <ns>', 'the namespace', 'default')
    .action(async (kindArg, name, opts) => {
      const c = ctx();
      const kind = resolveKind(kindArg);
      if (kind === undefined) throw new KanaryError('BAD_USAGE', `unknown kind "${kindArg}"`);
      await c.client.delete(kind.plural, kind.namespaced ? opts.namespace : '', name);
      c.out.write(`${kind.kind.toLowerCase()}/${name} deleted\n`);
    });
}
