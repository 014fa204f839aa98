import { useState } from 'react';
import type { RolloutInfo } from '../../info/index.js';
import { operate, type Operation } from '../api.js';
import { AnalysisRuns } from './AnalysisRuns.js';
import { ConfirmDialog, type Confirmation } from './ConfirmDialog.js';
import { Revisions } from './Revisions.js';
import { StatusBadge } from './StatusBadge.js';
import { TrafficPanel } from './TrafficPanel.js';

interface ActionSpec {
  label: string;
  op: Operation;
  body?: unknown;
  enabled: boolean;
  danger?: boolean;
  explain: string;
}

/** One rollout: status, actions, summary, steps, live traffic, revisions and analysis. */
export function RolloutPage({
  info,
  back,
  notify,
}: {
  info: RolloutInfo;
  back: () => void;
  notify: (m: string) => void;
}) {
  const [confirmation, setConfirmation] = useState<Confirmation | undefined>(undefined);
  const ask = (a: { label: string; op: Operation; body?: unknown; danger?: boolean; explain: string }): void => {
    setConfirmation({
      title: `${a.label} ${info.name}?`,
      body: a.explain,
      confirmLabel: a.label,
      danger: a.danger,
      run: () =>
        operate(info.namespace, info.name, a.op, a.body).then(
          () => notify(`${a.label}: requested for ${info.name}`),
          (err: unknown) => notify(`${a.label} failed: ${err instanceof Error ? err.message : String(err)}`),
        ),
    });
  };
  const actions: ActionSpec[] = [
    {
      label: 'Promote',
      op: 'promote',
      enabled: info.actions.promote,
      explain: 'Finish the current step and go on to the next one.',
    },
    {
      label: 'Promote full',
      op: 'promote',
      body: { full: true },
      enabled: info.actions.promoteFull,
      explain: 'Skip every remaining step, pause and analysis and make the canary stable.',
    },
    {
      label: 'Abort',
      op: 'abort',
      enabled: info.actions.abort,
      danger: true,
      explain: 'Send all traffic back to stable and scale the canary down. The rollout becomes Degraded until retried.',
    },
    {
      label: 'Retry',
      op: 'retry',
      enabled: info.actions.retry,
      explain: 'Start the aborted update again from its first step.',
    },
    {
      label: 'Restart',
      op: 'restart',
      enabled: info.actions.restart,
      explain: 'Restart every pod of this rollout, one at a time.',
    },
  ];
  const runs = info.revisions.flatMap((r) => r.analysisRuns).reverse();
  return (
    <main className="page" aria-labelledby="rollout-title">
      <nav aria-label="Breadcrumb" className="crumbs">
        <a
          href="/"
          onClick={(e) => {
            e.preventDefault();
            back();
          }}
        >
          Rollouts
        </a>
        <span aria-hidden="true"> / </span>
        <span>{info.namespace}</span>
      </nav>
      <div className="page-head">
        <h1 id="rollout-title">{info.name}</h1>
        <StatusBadge status={info.status} icon={info.icon} />
      </div>
      {info.message !== '' && (
        <p className={`message ${info.status === 'Degraded' ? 'message-bad' : ''}`} data-testid="rollout-message">
          {info.message}
        </p>
      )}
      <div className="actions" role="toolbar" aria-label="Rollout actions">
        {actions.map((a) => (
          <button
            key={a.label}
            type="button"
            className={a.danger === true ? 'btn btn-danger' : a.label === 'Promote' ? 'btn btn-primary' : 'btn'}
            disabled={!a.enabled}
            onClick={() => ask(a)}
          >
            {a.label}
          </button>
        ))}
      </div>
      <div className="grid">
        <section className="card" aria-labelledby="summary-title">
          <h2 id="summary-title">Summary</h2>
          <dl className="summary">
            <div>
              <dt>Strategy</dt>
              <dd>{info.strategy}</dd>
            </div>
            <div>
              <dt>Step</dt>
              <dd data-testid="step">{info.step ?? '–'}</dd>
            </div>
            <div>
              <dt>Set weight</dt>
              <dd>{info.setWeight}%</dd>
            </div>
            <div>
              <dt>Actual weight</dt>
              <dd>{info.actualWeight}%</dd>
            </div>
            <div>
              <dt>Ready</dt>
              <dd>
                {info.replicas.ready}/{info.replicas.desired} ({info.replicas.updated} updated)
              </dd>
            </div>
          </dl>
          <h3 className="subhead">Images</h3>
          <ul className="images">
            {info.images.map((img) => (
              <li key={img.image}>
                <span className="mono wrap">{img.image}</span>
                {img.tags.map((t) => (
                  <span key={t} className={`tag tag-${t}`}>
                    {t}
                  </span>
                ))}
              </li>
            ))}
          </ul>
          <div className="weightbar" aria-label={`Traffic: ${info.actualWeight}% canary`} role="img">
            <div className="weightbar-canary" style={{ width: `${info.actualWeight}%` }} />
          </div>
        </section>
        <section className="card" aria-labelledby="steps-title">
          <h2 id="steps-title">Steps</h2>
          {info.steps.length === 0 ? (
            <p className="muted">No steps: every update goes straight to 100%.</p>
          ) : (
            <ol className="steps">
              {info.steps.map((s) => (
                <li
                  key={s.index}
                  className={`step step-${s.state}`}
                  aria-current={s.state === 'current' ? 'step' : undefined}
                >
                  <span className="step-marker" aria-hidden="true">
                    {s.state === 'done' ? '✔' : s.index + 1}
                  </span>
                  <span>{s.text}</span>
                  {s.state === 'current' && <span className="sr-only"> (current step)</span>}
                </li>
              ))}
            </ol>
          )}
        </section>
        <TrafficPanel namespace={info.namespace} name={info.name} />
      </div>
      <Revisions
        revisions={info.revisions}
        onRollback={(revision) =>
          ask({
            label: 'Rollback',
            op: 'undo',
            body: { toRevision: revision },
            danger: true,
            explain: `Deploy the pod template of revision ${revision} again. The canary steps run again unless it is the stable revision.`,
          })
        }
      />
      <AnalysisRuns runs={runs} />
      <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(undefined)} />
    </main>
  );
}
