import { Command, Option } from '@commander-js/extra-typings';
import { evaluateJsonResult, type Assessment } from '../../analysis/evaluate.js';
import { KanaryError } from '../../common/index.js';
import { isProviderKind, PROVIDER_KINDS, substituteArgs, type ProviderKind } from '../../expr/index.js';

/**
 * `kanary evaluate`: assesses one measurement result against a metric's conditions exactly as an AnalysisRun
 * would, without a cluster. Prints the phase as the first word of the first line, then Argo's message if any.
 * Exit 0 whenever it could assess (whatever the phase), 2 on bad usage.
 */
export interface EvaluateInput {
  readonly successCondition?: string | undefined;
  readonly failureCondition?: string | undefined;
  readonly result?: string | undefined;
  readonly resultRaw?: string | undefined;
  readonly provider: string;
  readonly args: readonly string[];
}

function badUsage(message: string): never {
  throw new KanaryError('BAD_USAGE', message);
}

function parseArgs(pairs: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      badUsage(`--arg ${JSON.stringify(pair)} is not of the form name=value; for example --arg threshold=0.95`);
    args[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return args;
}

function resultJson(input: EvaluateInput, provider: ProviderKind): unknown {
  if (input.result !== undefined && input.resultRaw !== undefined) {
    badUsage('give either --result JSON or --result-raw TEXT, not both');
  }
  if (input.resultRaw !== undefined) {
    if (provider !== 'web') badUsage('--result-raw is only for --provider web (a response body that is not JSON)');
    return input.resultRaw;
  }
  if (input.result === undefined)
    badUsage('--result JSON is required (for example --result 0.97 or --result "[0.97]")');
  try {
    return JSON.parse(input.result) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return badUsage(
      `--result ${JSON.stringify(input.result)} is not valid JSON (${reason}); use --result-raw for text`,
    );
  }
}

/** The pure part of the command: from flags to an assessment (throws KanaryError BAD_USAGE on bad input). */
export function assessFromFlags(input: EvaluateInput): Assessment {
  if (!isProviderKind(input.provider)) {
    badUsage(`--provider ${JSON.stringify(input.provider)} is not one of ${PROVIDER_KINDS.join(', ')}`);
  }
  const provider = input.provider;
  if (input.successCondition === undefined && input.failureCondition === undefined) {
    badUsage('give --success-condition EXPR and/or --failure-condition EXPR');
  }
  const args = parseArgs(input.args);
  const metric = {
    successCondition: input.successCondition === undefined ? undefined : substituteArgs(input.successCondition, args),
    failureCondition: input.failureCondition === undefined ? undefined : substituteArgs(input.failureCondition, args),
  };
  const json = resultJson(input, provider);
  const assessment = evaluateJsonResult(json, metric, provider);
  if (assessment.phase === 'Error' && assessment.error === undefined) {
    // The JSON could not come from this provider: a usage problem, not a measurement error.
    badUsage(`--result: ${assessment.message ?? 'not a result this provider can return'}`);
  }
  return assessment;
}

export function formatAssessment(assessment: Assessment): string {
  return assessment.message === undefined ? `${assessment.phase}\n` : `${assessment.phase}\n${assessment.message}\n`;
}

export function evaluateCommand(): Command {
  return (
    new Command('evaluate')
      .description(
        'Assess a measurement result against successCondition/failureCondition as Argo Rollouts would; ' +
          'prints Successful, Failed, Inconclusive or Error',
      )
      .showHelpAfterError()
      // addCommand does not copy the root's settings: usage errors (bad choice, missing value) must exit 2 here too.
      .exitOverride((err) => {
        process.exit(err.exitCode === 0 ? 0 : 2);
      })
      .option('--success-condition <expr>', 'the metric successCondition (expr-lang)')
      .option('--failure-condition <expr>', 'the metric failureCondition (expr-lang)')
      .option('--result <json>', 'the measurement result as JSON, e.g. 0.97 or "[0.97, 0.99]" or "{\\"ok\\": true}"')
      .option('--result-raw <text>', 'for --provider web: a response body that is not JSON, passed as a string')
      .addOption(
        new Option('--provider <kind>', 'how the JSON becomes result').choices(PROVIDER_KINDS).default('prometheus'),
      )
      .option('--arg <name=value>', 'substitute {{args.name}} before parsing (repeatable)', collect, [] as string[])
      .action((opts) => {
        const assessment = assessFromFlags({
          successCondition: opts.successCondition,
          failureCondition: opts.failureCondition,
          result: opts.result,
          resultRaw: opts.resultRaw,
          provider: opts.provider,
          args: opts.arg,
        });
        process.stdout.write(formatAssessment(assessment));
      })
  );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
