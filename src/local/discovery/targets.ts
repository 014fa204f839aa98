/**
 * Prometheus HTTP service discovery built from ServiceMonitor objects, the way prometheus-operator turns them into
 * scrape targets: one target per pod behind each selected Service and port, with the target labels the operator
 * gives (`namespace`, `service`, `pod`, `container`, `endpoint`, `job`, `instance`). A real Prometheus configured
 * with `http_sd_configs` pointing at Kanary then scrapes as in the seed, and the seed's PromQL
 * (`sample_app_requests_count{service="sample-app-canary"}`) works unchanged. Pure: objects in, targets out.
 */

export interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ServiceMonitorLike {
  metadata: { name?: string; namespace?: string };
  spec: {
    selector: LabelSelectorLike;
    namespaceSelector?: { any?: boolean; matchNames?: string[] };
    endpoints: { port?: string; targetPort?: number | string; path?: string; scheme?: string; interval?: string }[];
    jobLabel?: string;
  };
}

export interface ServiceLike {
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    selector?: Record<string, string>;
    ports?: { name?: string; port: number; targetPort?: number | string }[];
  };
}

export interface PodLike {
  metadata: { name?: string; namespace?: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: { containers?: { name: string; ports?: { name?: string; containerPort: number }[] }[] };
  status?: { podIP?: string; phase?: string };
}

/** One entry of Prometheus' HTTP SD response: `[{ "targets": ["ip:port"], "labels": {...} }]`. */
export interface SdTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

export function matchesSelector(labels: Record<string, string> | undefined, selector: LabelSelectorLike): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const value = l[e.key];
    const inValues = value !== undefined && (e.values ?? []).includes(value);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function selectsNamespace(sm: ServiceMonitorLike, namespace: string): boolean {
  const sel = sm.spec.namespaceSelector;
  if (sel?.any === true) return true;
  if (sel?.matchNames !== undefined && sel.matchNames.length > 0) return sel.matchNames.includes(namespace);
  return namespace === (sm.metadata.namespace ?? 'default');
}

function podPort(pod: PodLike, target: number | string): { port: number; container: string } | undefined {
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (typeof target === 'number' ? p.containerPort === target : p.name === target) {
        return { port: p.containerPort, container: c.name };
      }
    }
  }
  if (typeof target === 'number') return { port: target, container: pod.spec?.containers?.[0]?.name ?? '' };
  return undefined;
}

function selectedPods(svc: ServiceLike, pods: readonly PodLike[]): PodLike[] {
  const selector = svc.spec?.selector;
  if (selector === undefined || Object.keys(selector).length === 0) return [];
  const ns = svc.metadata.namespace ?? 'default';
  return pods.filter(
    (p) =>
      (p.metadata.namespace ?? 'default') === ns &&
      p.status?.podIP !== undefined &&
      p.status.podIP !== '' &&
      p.status.phase === 'Running' &&
      p.metadata.deletionTimestamp === undefined &&
      matchesSelector(p.metadata.labels, { matchLabels: selector }),
  );
}

type Endpoint = ServiceMonitorLike['spec']['endpoints'][number];

function endpointTargets(
  sm: ServiceMonitorLike,
  svc: ServiceLike,
  ep: Endpoint,
  pods: readonly PodLike[],
): SdTargetGroup[] {
  const svcPort = (svc.spec?.ports ?? []).find((p) =>
    ep.port !== undefined ? p.name === ep.port : p.port === ep.targetPort || p.targetPort === ep.targetPort,
  );
  if (svcPort === undefined) return [];
  const targetPort = svcPort.targetPort ?? svcPort.port;
  const svcName = svc.metadata.name ?? '';
  const job = sm.spec.jobLabel !== undefined ? (svc.metadata.labels?.[sm.spec.jobLabel] ?? svcName) : svcName;
  const groups: SdTargetGroup[] = [];
  for (const pod of selectedPods(svc, pods)) {
    const resolved = podPort(pod, targetPort);
    if (resolved === undefined) continue;
    const address = `${pod.status?.podIP ?? ''}:${resolved.port}`;
    groups.push({
      targets: [address],
      labels: {
        __metrics_path__: ep.path ?? '/metrics',
        __scheme__: ep.scheme ?? 'http',
        ...(ep.interval !== undefined ? { __scrape_interval__: ep.interval } : {}),
        namespace: svc.metadata.namespace ?? 'default',
        service: svcName,
        pod: pod.metadata.name ?? '',
        container: resolved.container,
        endpoint: ep.port ?? String(ep.targetPort ?? ''),
        job,
        instance: address,
      },
    });
  }
  return groups;
}

/** All scrape targets of all ServiceMonitors, ordered deterministically (monitor, service, endpoint, pod). */
export function buildScrapeTargets(
  monitors: readonly ServiceMonitorLike[],
  services: readonly ServiceLike[],
  pods: readonly PodLike[],
): SdTargetGroup[] {
  const out: SdTargetGroup[] = [];
  const byName = (a: { metadata: { name?: string } }, b: { metadata: { name?: string } }): number =>
    (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  for (const sm of [...monitors].sort(byName)) {
    const chosen = services
      .filter((s) => selectsNamespace(sm, s.metadata.namespace ?? 'default'))
      .filter((s) => matchesSelector(s.metadata.labels, sm.spec.selector))
      .sort(byName);
    for (const svc of chosen) {
      for (const ep of sm.spec.endpoints) out.push(...endpointTargets(sm, svc, ep, pods));
    }
  }
  return out;
}
