/**
 * Local mode's Events for pods: kubelet's event recorder (aggregated, rate-bound) fed by the supervisor's
 * `onEvent`, and kube-apiserver's event TTL as a periodic sweep.
 */
export { EventRecorder, type EventRecorderOptions } from './recorder.js';
export { EventExpiry, DEFAULT_EVENT_SWEEP_MS, type EventExpiryOptions } from './expiry.js';
export {
  DEFAULT_EVENT_TTL_MS,
  DEFAULT_MIN_WRITE_INTERVAL_MS,
  KUBELET_COMPONENT,
  containerFieldPath,
  eventKey,
  expiredEvents,
  lastSeen,
  planEventWrite,
  writeDelay,
  type EventObject,
  type EventOccurrence,
  type EventType,
  type ExpiredEvent,
  type InvolvedPod,
  type PodEventInput,
} from './aggregate.js';
