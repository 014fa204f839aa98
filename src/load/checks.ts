/**
 * The seed's five checks (k6/script.js), with k6's evaluation semantics: checks run in order, and one that throws
 * (a body that is not JSON, a `pod` that is not a string) interrupts the iteration, so the checks after it are not
 * recorded at all and the response adds nothing to the per-deployment share.
 */
export interface HttpResult {
  /** 0 when no response arrived (connection refused, timeout). */
  readonly status: number;
  readonly body: string;
  /** Why no response arrived, when status is 0. */
  readonly error?: string;
}

/** The response as a check sees it: `json()` throws when the body is not JSON, as k6's `r.json()` does. */
export interface CheckedResponse {
  readonly status: number;
  json(): unknown;
}

export interface Check {
  readonly name: string;
  readonly test: (r: CheckedResponse) => boolean;
}

export interface CheckExpectations {
  /** Expected `node`; undefined accepts any non-empty node (the seed expects kind-control-plane). */
  readonly node?: string | undefined;
  /** Expected `namespace`; default sample-app. */
  readonly namespace?: string | undefined;
  /** What `pod` must contain; default sample-app-. */
  readonly podPrefix?: string | undefined;
}

export type Deployment = 'stable' | 'canary';

export interface IterationOutcome {
  readonly checks: readonly { readonly name: string; readonly ok: boolean }[];
  /** A check threw: the rest of the iteration did not run. */
  readonly interrupted: boolean;
  /** The track that answered, when the iteration ran to the end and the body named stable or canary. */
  readonly deployment: Deployment | undefined;
}

export function seedChecks(expect: CheckExpectations = {}): Check[] {
  const namespace = expect.namespace ?? 'sample-app';
  const podPrefix = expect.podPrefix ?? 'sample-app-';
  const node = expect.node;
  return [
    { name: 'status code is 200', test: (r) => r.status === 200 },
    node === undefined
      ? { name: 'node is not empty', test: (r) => notEmpty(field(r, 'node')) }
      : { name: `node is ${node}`, test: (r) => field(r, 'node') === node },
    { name: `namespace is ${namespace}`, test: (r) => field(r, 'namespace') === namespace },
    { name: `pod is ${podPrefix}*`, test: (r) => stringField(r, 'pod').includes(podPrefix) },
    {
      name: 'deployment is stable or canary',
      test: (r) => {
        const d = field(r, 'deployment');
        return d === 'stable' || d === 'canary';
      },
    },
  ];
}

export function evaluateIteration(result: HttpResult, checks: readonly Check[]): IterationOutcome {
  const response = checkedResponse(result);
  const outcomes: { name: string; ok: boolean }[] = [];
  for (const check of checks) {
    try {
      outcomes.push({ name: check.name, ok: check.test(response) });
    } catch {
      return { checks: outcomes, interrupted: true, deployment: undefined };
    }
  }
  let deployment: Deployment | undefined;
  try {
    const d = field(response, 'deployment');
    deployment = d === 'stable' || d === 'canary' ? d : undefined;
  } catch {
    return { checks: outcomes, interrupted: true, deployment: undefined };
  }
  return { checks: outcomes, interrupted: false, deployment };
}

function checkedResponse(result: HttpResult): CheckedResponse {
  let parsed: { value: unknown } | undefined;
  return {
    status: result.status,
    json: () => {
      parsed ??= { value: JSON.parse(result.body) as unknown };
      return parsed.value;
    },
  };
}

/** `r.json().name`: throws like JavaScript does when the body is null or not JSON. */
function field(r: CheckedResponse, name: string): unknown {
  const value = r.json();
  if (value === null || value === undefined) throw new TypeError(`cannot read ${name} of ${String(value)}`);
  return typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

/** `r.json().name.includes(...)` needs a string; anything else throws in k6. */
function stringField(r: CheckedResponse, name: string): string {
  const value = field(r, name);
  if (typeof value !== 'string') throw new TypeError(`${name} is not a string`);
  return value;
}

function notEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}
