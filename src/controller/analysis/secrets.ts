import type { AnalysisRun, Secret } from '../../api/index.js';
import type { SecretValues } from '../../analysis/engine/index.js';
import type { ResourceStore } from '../../store/index.js';

/**
 * Reads the values of `valueFrom.secretKeyRef` args from Secrets in the run's namespace, by arg name. A missing
 * Secret or key is left out: the engine then fails the run with `secret "<name>" not found`.
 */
export async function readSecretArgs(store: ResourceStore, run: AnalysisRun): Promise<SecretValues> {
  const namespace = run.metadata.namespace ?? '';
  const out: Record<string, string> = {};
  for (const arg of run.spec.args ?? []) {
    const ref = arg.valueFrom?.secretKeyRef;
    if (ref === undefined) continue;
    const secret = await store.get<Secret>('Secret', namespace, ref.name);
    const plain = secret?.stringData?.[ref.key];
    const encoded = secret?.data?.[ref.key];
    if (plain !== undefined) out[arg.name] = plain;
    else if (encoded !== undefined) out[arg.name] = Buffer.from(encoded, 'base64').toString('utf8');
  }
  return out;
}
