export { buildScrapeTargets, matchesSelector } from './targets.js';
export type { PodLike, SdTargetGroup, ServiceLike, ServiceMonitorLike } from './targets.js';
