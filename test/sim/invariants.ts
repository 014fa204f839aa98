import { calculatePhase, POD_TEMPLATE_HASH_LABEL } from '../../src/rollout/index.js';
import type { Journey } from './dsl.js';

/**
 * What must hold whenever the simulated world has settled, whatever happened before:
 * - no canary weight above 0 without an available canary pod (behind the canary Service);
 * - exactly one stable ReplicaSet after the first deploy;
 * - no running AnalysisRun for a revision that is neither canary nor stable;
 * - the phase and message are the ones the §2.2 rules give for the stored spec and status;
 * - an aborted rollout sends no traffic to the canary and points the canary Service back at stable;
 * - the stable Service selects the stable pods; Healthy means no update in flight; the step index stays in range.
 * Returns the violations, empty when all hold.
 */
export async function invariantViolations(j: Journey): Promise<string[]> {
  const out: string[] = [];
  const ro = await j.world.rollout(j.ns, j.name);
  const s = ro.status ?? {};
  const weight = (await j.weight()) ?? 0;
  const replicaSets = await j.replicaSets();
  const pods = await j.world.podsOf(j.ns);
  const hashOf = (o: { metadata: { labels?: Record<string, string> } }): string | undefined =>
    o.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
  if (weight > 0) {
    const canary = replicaSets.find((rs) => hashOf(rs) === s.currentPodHash);
    const selected = await j.selectorOf('sample-app-canary');
    const ready = pods.filter(
      (p) => hashOf(p) === selected && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    if ((canary?.status?.availableReplicas ?? 0) < 1)
      out.push(`weight ${weight} but the canary ReplicaSet has no available pod`);
    if (ready.length === 0)
      out.push(`weight ${weight} but the canary Service (${selected ?? 'none'}) selects no ready pod`);
    if (s.abort === true) out.push(`weight ${weight} while aborted`);
  }
  const stables = replicaSets.filter((rs) => s.stableRS !== undefined && hashOf(rs) === s.stableRS);
  if (stables.length !== 1)
    out.push(`expected exactly one stable ReplicaSet, found ${stables.length} (stableRS=${s.stableRS ?? ''})`);
  for (const run of await j.runs()) {
    const running = run.spec.terminate !== true && (run.status?.phase ?? 'Pending') === 'Running';
    const hash = hashOf(run);
    if (running && hash !== s.currentPodHash && hash !== s.stableRS) {
      out.push(`AnalysisRun ${run.metadata.name ?? ''} runs for ${hash ?? ''}, neither canary nor stable`);
    }
  }
  const expected = calculatePhase(ro.spec, s);
  if (s.phase !== expected.phase || s.message !== expected.message) {
    out.push(`phase ${s.phase ?? ''} "${s.message ?? ''}" but the rules give ${expected.phase} "${expected.message}"`);
  }
  if (s.observedGeneration !== String(ro.metadata.generation ?? 0))
    out.push('status does not reflect the latest generation');
  const stableSelector = await j.selectorOf('sample-app');
  if (stableSelector !== s.stableRS)
    out.push(`stable Service selects ${stableSelector ?? 'none'}, stableRS is ${s.stableRS ?? ''}`);
  if (s.abort === true && (await j.selectorOf('sample-app-canary')) !== s.stableRS)
    out.push('aborted but the canary Service is not back on stable');
  if (s.phase === 'Healthy' && (weight !== 0 || s.stableRS !== s.currentPodHash))
    out.push('Healthy while an update is in flight');
  const steps = ro.spec.strategy.canary?.steps?.length ?? 0;
  if ((s.currentStepIndex ?? 0) > steps) out.push(`currentStepIndex ${s.currentStepIndex ?? 0} beyond ${steps} steps`);
  return out;
}
