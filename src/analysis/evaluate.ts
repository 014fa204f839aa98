import {
  evalCondition,
  ExprError,
  isNilOrEmpty,
  normalizeResult,
  resultFromJson,
  type ProviderKind,
  type Value,
} from '../expr/index.js';

/**
 * Argo's EvaluateResult (`utils/evaluate/evaluate.go`): from a measurement result and a metric's conditions to
 * the measurement phase. Pure.
 *
 * | success | failure | outcome                                                                  |
 * |---------|---------|--------------------------------------------------------------------------|
 * | unset   | unset   | Successful, without evaluating anything                                  |
 * | set     | unset   | Successful if true, else Failed (never Inconclusive)                     |
 * | unset   | set     | Failed if true, else Successful                                          |
 * | set     | set     | Failed if failure is true; else Successful if success is true; else Inconclusive |
 * | any evaluation error | | Error (the success condition is evaluated first and stops at its error) |
 */
export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

export interface MetricConditions {
  readonly successCondition?: string | undefined;
  readonly failureCondition?: string | undefined;
}

export interface Assessment {
  readonly phase: MeasurementPhase;
  /** Set when phase is Error: Argo's message. */
  readonly message?: string;
  /** The expression error behind an Error phase (for positions). */
  readonly error?: ExprError;
}

type ConditionKind = 'successCondition' | 'failureCondition';

/** Argo's formatEvalError: a nil or empty result always gets the "no data" wording, whatever the real error. */
export function formatEvalError(kind: ConditionKind, condition: string, result: Value, err: ExprError): string {
  const reason = isNilOrEmpty(result)
    ? 'metric result is nil or empty: no data returned from the metric provider'
    : err.message;
  return `could not evaluate ${kind} ${JSON.stringify(condition)}: ${reason}`;
}

/**
 * Assesses one measurement. `result` is the Go-shaped value the provider produced (see `resultFromJson` in the
 * expr module). With `providerKind`, a plain value is first put in that provider's shape (`normalizeResult`:
 * for prometheus an array of numbers becomes a `[]float64`).
 */
export function evaluateResult(result: Value, metric: MetricConditions, providerKind?: ProviderKind): Assessment {
  if (providerKind !== undefined) return evaluateShaped(normalizeResult(result, providerKind), metric);
  return evaluateShaped(result, metric);
}

function evaluateShaped(result: Value, metric: MetricConditions): Assessment {
  const success = metric.successCondition ?? '';
  const failure = metric.failureCondition ?? '';
  let successTrue = false;
  let failureTrue = false;
  if (success !== '') {
    const outcome = evalCondition(result, success);
    if (outcome instanceof ExprError) return errorOf('successCondition', success, result, outcome);
    successTrue = outcome;
  }
  if (failure !== '') {
    const outcome = evalCondition(result, failure);
    if (outcome instanceof ExprError) return errorOf('failureCondition', failure, result, outcome);
    failureTrue = outcome;
  }
  if (success === '' && failure === '') return { phase: 'Successful' };
  if (failure !== '' && failureTrue) return { phase: 'Failed' };
  if (success === '') return { phase: 'Successful' };
  if (successTrue) return { phase: 'Successful' };
  return { phase: failure === '' ? 'Failed' : 'Inconclusive' };
}

function errorOf(kind: ConditionKind, condition: string, result: Value, error: ExprError): Assessment {
  return { phase: 'Error', message: formatEvalError(kind, condition, result, error), error };
}

/**
 * The same assessment from decoded JSON, converted the way `providerKind` would hand it to Argo (a Prometheus
 * array becomes `[]float64`, a Datadog null is nil, ...). A JSON value the provider could not produce is an
 * Error with the reason.
 */
export function evaluateJsonResult(json: unknown, metric: MetricConditions, providerKind: ProviderKind): Assessment {
  const converted = resultFromJson(json, providerKind);
  if (!converted.ok) return { phase: 'Error', message: converted.error };
  return evaluateShaped(converted.value, metric);
}
