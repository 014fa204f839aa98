import { Command, Option } from '@commander-js/extra-typings';
import { exitCodeOf, KanaryError, toKanaryError } from '../../common/index.js';

function number(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new KanaryError('BAD_USAGE', `${flag} ${value}: expected a non-negative number`);
    return n;
  };
}

/**
 * `kanary controller`: Kubernetes mode. Runs the Rollout and AnalysisRun controllers against a cluster (kubeconfig,
 * or the in-cluster service account inside a pod), with optional Lease leader election and `/metrics`.
 */
export function controllerCommand(): Command {
  return new Command('controller')
    .description('run the Rollout and AnalysisRun controllers against a Kubernetes cluster')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('-n, --namespace <namespace>', 'act only on this namespace')
    .option('-A, --all-namespaces', 'act on every namespace (the default without -n)')
    .addOption(
      new Option('--metrics-port <port>', 'port of /metrics (Prometheus)')
        .default(8090)
        .argParser(number('--metrics-port')),
    )
    .option('--leader-elect', 'campaign for a coordination.k8s.io Lease; act only while leading (run 2 replicas)')
    .option('--lease-namespace <namespace>', 'namespace of the Lease (default: $POD_NAMESPACE or -n)')
    .option('--lease-name <name>', 'name of the Lease', 'kanary-controller')
    .addOption(
      new Option('--lease-duration <seconds>', 'lease duration').default(15).argParser(number('--lease-duration')),
    )
    .addOption(
      new Option('--renew-deadline <seconds>', 'leader renew deadline')
        .default(10)
        .argParser(number('--renew-deadline')),
    )
    .addOption(
      new Option('--retry-period <seconds>', 'leader election retry period')
        .default(2)
        .argParser(number('--retry-period')),
    )
    .option(
      '--instance-id <id>',
      'act only on Rollouts labelled argo-rollouts.argoproj.io/controller-instance-id=<id>; "" acts on all (no Argo installed)',
      'kanary',
    )
    .action(async (opts) => {
      try {
        if (opts.namespace !== undefined && opts.allNamespaces === true) {
          throw new KanaryError('BAD_USAGE', '-n and --all-namespaces exclude each other; pass one');
        }
        // Loaded on use: the Kubernetes client is large, and other verbs should not pay for it at start-up.
        const { startController } = await import('../../kubernetes/index.js');
        const running = await startController({
          ...(opts.kubeconfig === undefined ? {} : { kubeconfig: opts.kubeconfig }),
          ...(opts.context === undefined ? {} : { context: opts.context }),
          ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
          ...(opts.leaseNamespace === undefined ? {} : { leaseNamespace: opts.leaseNamespace }),
          metricsPort: opts.metricsPort,
          leaderElect: opts.leaderElect === true,
          leaseName: opts.leaseName,
          leaseDurationSeconds: opts.leaseDuration,
          renewDeadlineSeconds: opts.renewDeadline,
          retryPeriodSeconds: opts.retryPeriod,
          instanceId: opts.instanceId,
        });
        process.stderr.write(
          `kanary controller: metrics on :${running.metricsPort ?? 'off'}/metrics${opts.leaderElect === true ? ', waiting for the Lease' : ''}\n`,
        );
        const shutdown = (): void => {
          running.stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
        // Keep the process alive: controller timers are unref'd.
        setInterval(() => undefined, 1 << 30);
      } catch (err) {
        const e = toKanaryError(err);
        process.stderr.write(`error: ${e.message}\n`);
        process.exitCode = exitCodeOf(e.code);
      }
    });
}
