import { Command } from '@commander-js/extra-typings';
import { crdsYaml } from '../../api/index.js';

/**
 * `kanary crds`: prints the CustomResourceDefinitions (apiextensions.k8s.io/v1) for Rollout, AnalysisTemplate,
 * ClusterAnalysisTemplate and AnalysisRun, generated from Kanary's schemas. Apply with `kanary crds | kubectl apply -f -`.
 */
export function crdsCommand(): Command {
  return new Command('crds')
    .description('print the CustomResourceDefinitions for the Argo Rollouts kinds (pipe to kubectl apply -f -)')
    .action(() => {
      process.stdout.write(crdsYaml());
    });
}
