import { Command } from '@commander-js/extra-typings';
import { KanaryError } from '../../common/index.js';
import { renderReport, runDemo } from '../../demo/index.js';

/**
 * `kanary demo`: the seed article's story, start to end, on a throwaway local cluster: a good version promoted to
 * Healthy, then a faulty one aborted by analysis, under load, narrated, with a summary. Exits 0 when the story
 * went as expected, 1 otherwise. Ctrl-C stops everything it started.
 */
export function demoCommand() {
  return new Command('demo')
    .description("run the seed article's canary story end to end on a temporary local cluster (about a minute)")
    .option('--keep', 'leave the cluster running at the end (Ctrl-C stops the server) and print the dashboard URL')
    .option('--state-dir <dir>', 'use this state dir instead of a temporary one (kept afterwards)')
    .option('--no-prometheus', "measure with Kanary's router provider even when prometheus is on PATH")
    .option('--judge', "analyse with Kanary's judge (canary compared with stable) instead of the seed's threshold")
    .action(async (opts) => {
      const out = (line: string): void => void process.stdout.write(`${line}\n`);
      const interrupt = new AbortController();
      const onSignal = (): void => {
        process.stdout.write('\nkanary demo: interrupted; stopping everything it started\n');
        interrupt.abort(new KanaryError('TIMEOUT', 'interrupted'));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let report;
      try {
        report = await runDemo({
          out,
          signal: interrupt.signal,
          prometheus: opts.prometheus,
          judge: opts.judge === true,
          keep: opts.keep === true,
          ...(opts.stateDir === undefined ? {} : { stateDir: opts.stateDir }),
        });
      } catch (err) {
        if (interrupt.signal.aborted) {
          process.exitCode = 130;
          return;
        }
        throw err;
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
      out(renderReport(report));
      const env = report.environment;
      if (env !== undefined) {
        out('');
        // The write token travels in the fragment, as `kanary dashboard` gives it: never sent to the server.
        const dashboard = `${env.cluster.url}/#token=${encodeURIComponent(env.cluster.token)}`;
        out(`Everything is still running (--keep). Dashboard: ${dashboard}`);
        out(`  API: ${env.cluster.url}`);
        out(`  router: ${env.routerUrl} (curl -H 'Host: sample.app' ${env.routerUrl}/success)`);
        if (env.prometheus !== undefined) out(`  prometheus: ${env.prometheus.url}`);
        out(
          `  state dir: ${env.stateDir}; try: KANARY_STATE_DIR=${env.stateDir} kanary get rollout sample-app -n sample-app`,
        );
        out(
          'Press Ctrl-C to stop the server and Prometheus; pods and router keep running for `kanary server --state-dir`,',
        );
        out('and `kanary down --state-dir DIR` stops them.');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await env.detach();
      }
      if (!report.ok) {
        throw new KanaryError('INTERNAL', `the demo did not go as expected: ${report.problems.join('; ')}`);
      }
    });
}
