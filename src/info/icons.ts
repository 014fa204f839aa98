import type { InfoStatus } from './types.js';

/** Argo's tree icons for the kinds of object. */
export const KIND_ICONS = {
  Rollout: '⟳',
  Revision: '#',
  ReplicaSet: '⧉',
  Pod: '□',
  Experiment: 'Σ',
  AnalysisRun: 'α',
  Job: '⊞',
} as const;

/** Argo's status icons; one per status word. */
export function statusIcon(status: InfoStatus): string {
  switch (status) {
    case 'Healthy':
    case 'Successful':
    case 'Running':
      return '✔';
    case 'Progressing':
      return '◌';
    case 'Paused':
      return '॥';
    case 'Degraded':
    case 'Failed':
      return '✖';
    case 'Error':
      return '⚠';
    case 'Inconclusive':
    case 'Unknown':
      return '?';
    case 'ScaledDown':
      return '•';
    case 'Pending':
    case 'Terminating':
      return '◷';
  }
}

/** The colour family a status belongs to; renderers map it to a palette. */
export type Tone = 'ok' | 'progress' | 'warn' | 'bad' | 'muted';

export function toneOf(status: InfoStatus): Tone {
  switch (status) {
    case 'Healthy':
    case 'Successful':
    case 'Running':
      return 'ok';
    case 'Progressing':
      return 'progress';
    case 'Paused':
    case 'Pending':
    case 'Inconclusive':
    case 'Terminating':
      return 'warn';
    case 'Degraded':
    case 'Failed':
    case 'Error':
      return 'bad';
    case 'ScaledDown':
    case 'Unknown':
      return 'muted';
  }
}
