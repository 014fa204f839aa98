import { describe, expect, it } from 'vitest';
import type { AnalysisRun, AnalysisTemplate, Rollout } from '../api/index.js';
import { ControllerMetrics, rolloutPhase, startMetricsServer, type MetricsSnapshot } from './metrics.js';

function rollout(reason: string | undefined, extra: Partial<Rollout['status']> = {}, invalid = false): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
      strategy: {
        canary: {
          canaryService: 'c',
          stableService: 's',
          trafficRouting: { nginx: { stableIngress: 'web' } },
          steps: [],
        },
      },
    },
    status: {
      availableReplicas: 2,
      replicas: 3,
      updatedReplicas: 1,
      conditions: [
        ...(reason === undefined ? [] : [{ type: 'Progressing', status: 'True', reason, message: '' }]),
        ...(invalid ? [{ type: 'InvalidSpec', status: 'True', reason: 'InvalidSpec', message: '' }] : []),
      ],
      ...extra,
    },
  } as Rollout;
}

const run: AnalysisRun = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'web-abc-2', namespace: 'shop' },
  spec: {
    metrics: [
      { name: 'success-share', provider: { prometheus: { address: 'http://p', query: 'q' } } },
      { name: 'probe', provider: { web: { url: 'http://x' } } },
    ],
    dryRun: [{ metricName: 'probe' }],
  },
  status: { phase: 'Running', metricResults: [{ name: 'success-share', phase: 'Failed', measurements: [] }] },
} as unknown as AnalysisRun;

const template = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: 'success-share', namespace: 'shop' },
  spec: { metrics: [{ name: 'success-share', provider: { prometheus: { address: 'http://p', query: 'q' } } }] },
} as unknown as AnalysisTemplate;

function snapshot(rollouts: Rollout[]): MetricsSnapshot {
  return {
    rollouts,
    analysisRuns: [run],
    analysisTemplates: [template],
    clusterAnalysisTemplates: [],
    events: [
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'e1', namespace: 'shop' },
        involvedObject: { kind: 'Rollout', name: 'web', namespace: 'shop' },
        type: 'Warning',
        reason: 'RolloutAborted',
        count: 2,
      } as never,
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'e2', namespace: 'shop' },
        involvedObject: { kind: 'Pod', name: 'p' },
        reason: 'Pulled',
      } as never,
    ],
  };
}

describe('rolloutPhase (the rollout_info phase label)', () => {
  it.each([
    ['NewReplicaSetAvailable', false, 'Completed'],
    ['RolloutPaused', false, 'Paused'],
    ['ProgressDeadlineExceeded', false, 'Timeout'],
    ['RolloutAborted', false, 'Abort'],
    ['ReplicaSetUpdated', false, 'Progressing'],
    [undefined, false, 'Progressing'],
    ['NewReplicaSetAvailable', true, 'InvalidSpec'],
  ])('Progressing reason %s (InvalidSpec %s) gives %s', (reason, invalid, phase) => {
    expect(rolloutPhase(rollout(reason, {}, invalid))).toBe(phase);
  });
});

describe('ControllerMetrics', () => {
  it('renders Argo’s info gauges with their labels', () => {
    const text = new ControllerMetrics('1.2.3').render(snapshot([rollout('RolloutPaused')]));
    const lines = text.split('\n');
    expect(lines).toContain(
      'rollout_info{namespace="shop",name="web",strategy="canary",traffic_router="Nginx",phase="Paused"} 1',
    );
    expect(lines).toContain('rollout_info_replicas_available{namespace="shop",name="web"} 2');
    expect(lines).toContain('rollout_info_replicas_unavailable{namespace="shop",name="web"} 1');
    expect(lines).toContain('rollout_info_replicas_desired{namespace="shop",name="web"} 3');
    expect(lines).toContain('rollout_info_replicas_updated{namespace="shop",name="web"} 1');
    expect(lines).toContain(
      'rollout_events_total{namespace="shop",name="web",type="Warning",reason="RolloutAborted"} 2',
    );
    expect(lines).toContain('analysis_run_info{namespace="shop",name="web-abc-2",phase="Running"} 1');
    expect(lines).toContain(
      'analysis_run_metric_type{namespace="shop",name="web-abc-2",metric="success-share",type="Prometheus"} 1',
    );
    expect(lines).toContain(
      'analysis_run_metric_phase{namespace="shop",name="web-abc-2",metric="success-share",type="Prometheus",dry_run="false",phase="Failed"} 1',
    );
    expect(lines).toContain(
      'analysis_run_metric_phase{namespace="shop",name="web-abc-2",metric="success-share",type="Prometheus",dry_run="false",phase="Running"} 0',
    );
    expect(lines).toContain(
      'analysis_run_metric_phase{namespace="shop",name="web-abc-2",metric="probe",type="Web",dry_run="true",phase="Pending"} 1',
    );
    expect(lines).toContain('analysis_template_info{namespace="shop",name="success-share"} 1');
    expect(lines).toContain(
      'analysis_template_metric_info{namespace="shop",name="success-share",type="Prometheus",metric="success-share"} 1',
    );
    expect(lines).toContain('kanary_controller_info{version="1.2.3"} 1');
    expect(lines).toContain('# TYPE rollout_info gauge');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('accumulates reconcile histograms (cumulative buckets) and error counters per object', () => {
    const m = new ControllerMetrics();
    m.observe({ controller: 'rollout', key: 'shop/web', durationMs: 5, outcome: 'success' });
    m.observe({ controller: 'rollout', key: 'shop/web', durationMs: 200, outcome: 'error', error: new Error('x') });
    m.observe({ controller: 'rollout', key: 'shop/web', durationMs: 4000, outcome: 'success' });
    m.observe({ controller: 'analysisrun', key: 'shop/web-abc-2', durationMs: 20, outcome: 'success' });
    const lines = m.render(snapshot([])).split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'rollout_reconcile_bucket{namespace="shop",name="web",le="0.01"} 1',
        'rollout_reconcile_bucket{namespace="shop",name="web",le="0.15"} 1',
        'rollout_reconcile_bucket{namespace="shop",name="web",le="0.25"} 2',
        'rollout_reconcile_bucket{namespace="shop",name="web",le="1"} 2',
        'rollout_reconcile_bucket{namespace="shop",name="web",le="+Inf"} 3',
        'rollout_reconcile_sum{namespace="shop",name="web"} 4.205',
        'rollout_reconcile_count{namespace="shop",name="web"} 3',
        'rollout_reconcile_error{namespace="shop",name="web"} 1',
        'analysis_run_reconcile_count{namespace="shop",name="web-abc-2"} 1',
        '# TYPE rollout_reconcile histogram',
      ]),
    );
    expect(lines.some((l) => l.startsWith('analysis_run_reconcile_error{'))).toBe(false);
  });

  it('escapes label values', () => {
    const ro = rollout('RolloutPaused');
    ro.metadata.name = 'we"b\\x';
    expect(new ControllerMetrics().render(snapshot([ro]))).toContain('name="we\\"b\\\\x"');
  });

  it('serves /metrics over HTTP and 404s elsewhere', async () => {
    const server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      metrics: new ControllerMetrics(),
      snapshot: () => Promise.resolve(snapshot([rollout('NewReplicaSetAvailable')])),
    });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      expect(await res.text()).toContain('phase="Completed"');
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
