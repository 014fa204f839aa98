import {
  KIND_ICONS,
  humanDuration,
  type AnalysisRunInfo,
  type ImageInfo,
  type PodInfo,
  type ReplicaSetInfo,
  type RolloutInfo,
} from '../../info/index.js';
import { palette, type Palette } from './colors.js';
import { formatTable, type Cell } from './table.js';

export interface RenderOptions {
  color: boolean;
}

const LABEL_WIDTH = 17;

/** `kanary get rollout NAME`: Argo's header block, a blank line, then the tree. Ends with a newline. */
export function renderRollout(info: RolloutInfo, options: RenderOptions): string {
  return `${renderHeader(info, options)}\n${renderTree(info, options)}`;
}

/** The header block: Name, Namespace, Status, Message, Strategy (Step, SetWeight, ActualWeight), Images, Replicas. */
export function renderHeader(info: RolloutInfo, options: RenderOptions): string {
  const p = palette(options.color);
  const lines: string[] = [];
  const field = (label: string, value: string): void => {
    lines.push(`${label}:`.padEnd(LABEL_WIDTH) + value);
  };
  field('Name', info.name);
  field('Namespace', info.namespace);
  field('Status', p.status(info.status, `${info.icon} ${info.status}`));
  if (info.message !== '') field('Message', info.message);
  field('Strategy', info.strategy);
  if (info.strategy === 'Canary') {
    if (info.step !== undefined) field('  Step', info.step);
    field('  SetWeight', String(info.setWeight));
    field('  ActualWeight', String(info.actualWeight));
  }
  const images = info.images.map((img) => imageText(img, p));
  field('Images', images[0] ?? '');
  for (const more of images.slice(1)) lines.push(' '.repeat(LABEL_WIDTH) + more);
  lines.push('Replicas:');
  field('  Desired', String(info.replicas.desired));
  field('  Current', String(info.replicas.current));
  field('  Updated', String(info.replicas.updated));
  field('  Ready', String(info.replicas.ready));
  field('  Available', String(info.replicas.available));
  return `${lines.join('\n')}\n`;
}

function imageText(img: ImageInfo, p: Palette): string {
  if (img.tags.length === 0) return img.image;
  const tags = img.tags.map((t) => (t === 'canary' ? p.canary(t) : p.stable(t))).join(', ');
  return `${img.image} (${tags})`;
}

/** The tree: NAME KIND STATUS AGE INFO, revisions newest first, ReplicaSets with pods, then AnalysisRuns. */
export function renderTree(info: RolloutInfo, options: RenderOptions): string {
  const p = palette(options.color);
  const rows: Cell[][] = [['NAME', 'KIND', 'STATUS', 'AGE', 'INFO']];
  rows.push([
    `${KIND_ICONS.Rollout} ${info.name}`,
    'Rollout',
    statusCell(info.status, info.icon, p),
    humanDuration(info.ageSeconds),
    '',
  ]);
  info.revisions.forEach((rev, ri) => {
    const lastRev = ri === info.revisions.length - 1;
    rows.push([`${branch(lastRev)}${KIND_ICONS.Revision} revision:${rev.revision}`, '', '', '', '']);
    const indent = lastRev ? '   ' : '│  ';
    const children = rev.replicaSets.length + rev.analysisRuns.length;
    rev.replicaSets.forEach((rs, i) => {
      const last = i === children - 1;
      rows.push(replicaSetRow(rs, indent + branch(last), p));
      const podIndent = indent + (last ? '   ' : '│  ');
      rs.pods.forEach((pod, j) => rows.push(podRow(pod, podIndent + branch(j === rs.pods.length - 1), p)));
    });
    rev.analysisRuns.forEach((run, i) => {
      const last = rev.replicaSets.length + i === children - 1;
      rows.push(analysisRunRow(run, indent + branch(last), p));
    });
  });
  return `${formatTable(rows).join('\n')}\n`;
}

function branch(last: boolean): string {
  return last ? '└──' : '├──';
}

function statusCell(status: Parameters<Palette['status']>[0], icon: string, p: Palette): Cell {
  const text = `${icon} ${status}`;
  return [text, p.status(status, text)];
}

function replicaSetRow(rs: ReplicaSetInfo, prefix: string, p: Palette): Cell[] {
  const tags = rs.markers.filter((m) => m !== 'old');
  const info = [...tags, ...(rs.scaleDownDelay === undefined ? [] : [rs.scaleDownDelay])];
  const painted = info.map((t) => (t === 'canary' ? p.canary(t) : t === 'stable' ? p.stable(t) : t));
  return [
    `${prefix}${KIND_ICONS.ReplicaSet} ${rs.name}`,
    'ReplicaSet',
    statusCell(rs.status, rs.icon, p),
    humanDuration(rs.ageSeconds),
    [info.join(','), painted.join(',')],
  ];
}

function podRow(pod: PodInfo, prefix: string, p: Palette): Cell[] {
  const info = [`ready:${pod.ready}`, ...(pod.restarts > 0 ? [`restarts:${pod.restarts}`] : [])].join(',');
  return [
    `${prefix}${KIND_ICONS.Pod} ${pod.name}`,
    'Pod',
    statusCell(pod.status, pod.icon, p),
    humanDuration(pod.ageSeconds),
    info,
  ];
}

/** Argo's measurement counts: `✔ 3,✖ 1`, zero counts left out. */
export function analysisCounts(run: Pick<AnalysisRunInfo, 'successful' | 'failed' | 'inconclusive' | 'error'>): string {
  const parts: string[] = [];
  if (run.successful > 0) parts.push(`✔ ${run.successful}`);
  if (run.failed > 0) parts.push(`✖ ${run.failed}`);
  if (run.inconclusive > 0) parts.push(`? ${run.inconclusive}`);
  if (run.error > 0) parts.push(`⚠ ${run.error}`);
  return parts.join(',');
}

function analysisRunRow(run: AnalysisRunInfo, prefix: string, p: Palette): Cell[] {
  const text = `${run.icon} ${run.status}`;
  const tone = run.status === 'Running' ? p.tone('progress', text) : p.status(run.status, text);
  return [
    `${prefix}${KIND_ICONS.AnalysisRun} ${run.name}`,
    'AnalysisRun',
    [text, tone],
    humanDuration(run.ageSeconds),
    analysisCounts(run),
  ];
}

/** `kanary list rollouts`: Argo's columns; READY is ready/current. */
export function renderRolloutList(
  infos: readonly RolloutInfo[],
  options: RenderOptions & { allNamespaces?: boolean },
): string {
  const p = palette(options.color);
  const head = ['NAME', 'STRATEGY', 'STATUS', 'STEP', 'SET-WEIGHT', 'READY', 'DESIRED', 'UP-TO-DATE', 'AVAILABLE'];
  const rows: Cell[][] = [options.allNamespaces === true ? ['NAMESPACE', ...head] : head];
  for (const i of infos) {
    const row: Cell[] = [
      i.name,
      i.strategy,
      [i.status, p.status(i.status, i.status)],
      i.step ?? '-',
      String(i.setWeight),
      `${i.replicas.ready}/${i.replicas.current}`,
      String(i.replicas.desired),
      String(i.replicas.updated),
      String(i.replicas.available),
    ];
    rows.push(options.allNamespaces === true ? [i.namespace, ...row] : row);
  }
  return `${formatTable(rows).join('\n')}\n`;
}

/** One line of `kanary status`: `Phase - message`, or the phase alone. */
export function renderStatusLine(info: Pick<RolloutInfo, 'status' | 'message'>): string {
  return info.message === '' ? info.status : `${info.status} - ${info.message}`;
}
