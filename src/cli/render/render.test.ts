import { describe, expect, it } from 'vitest';
import { toRolloutInfo } from '../../info/index.js';
import { NOW, cluster, type Scenario } from '../../info/testdata.js';
import { renderRollout, renderRolloutList, renderStatusLine } from './index.js';

const ESC = String.fromCharCode(27);
const stripAnsi = (t: string): string => t.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');

function infoOf(s: Scenario): ReturnType<typeof toRolloutInfo> {
  const c = cluster(s);
  return toRolloutInfo(c.rollout, c.replicaSets, c.pods, c.analysisRuns, NOW);
}

const SCENARIOS: Scenario[] = ['Healthy', 'Progressing', 'Paused', 'Degraded'];

describe('get rollout output', () => {
  it.each(SCENARIOS)('renders a %s rollout like kubectl-argo-rollouts', (s) => {
    expect(renderRollout(infoOf(s), { color: false })).toMatchSnapshot();
  });

  it('colours only when asked', () => {
    const plain = renderRollout(infoOf('Degraded'), { color: false });
    const coloured = renderRollout(infoOf('Degraded'), { color: true });
    expect(plain).not.toContain(`${ESC}[`);
    expect(coloured).toContain(`${ESC}[31m✖ Degraded`);
    expect(stripAnsi(coloured)).toBe(plain);
  });
});

describe('list rollouts and status', () => {
  it('renders the table with Argo columns', () => {
    expect(renderRolloutList(SCENARIOS.map(infoOf), { color: false })).toMatchSnapshot();
  });

  it.each([
    ['Healthy', 'Healthy'],
    ['Paused', 'Paused - CanaryPauseStep'],
    ['Progressing', 'Progressing - more replicas need to be updated'],
  ] as const)('status line of %s', (s, line) => {
    expect(renderStatusLine(infoOf(s))).toBe(line);
  });
});
