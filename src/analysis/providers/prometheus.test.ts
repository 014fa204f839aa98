import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun, Metric } from '../../api/index.js';
import { providerContract } from './contract.js';
import { PrometheusProvider } from './prometheus.js';
import { closedPort, sendJson, startTestServer, type TestServer } from './test-server.js';

/** Answers like Prometheus' HTTP API; the query text picks the canned answer. */
const ANSWERS: Record<string, { status: number; body: unknown }> = {
  all_success: {
    status: 200,
    body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '1'] }] } },
  },
  half: {
    status: 200,
    body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.5'] }] } },
  },
  two: {
    status: 200,
    body: { status: 'success', data: { resultType: 'vector', result: [{ value: [1, '0.5'] }, { value: [1, '0.7'] }] } },
  },
  none: { status: 200, body: { status: 'success', data: { resultType: 'vector', result: [] } } },
  scalar: { status: 200, body: { status: 'success', data: { resultType: 'scalar', result: [1, '0.25'] } } },
  matrix: {
    status: 200,
    body: {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            values: [
              [1, '1'],
              [2, '2'],
            ],
          },
          { values: [[1, '3']] },
        ],
      },
    },
  },
  odd: {
    status: 200,
    body: {
      status: 'success',
      data: { resultType: 'vector', result: [{ value: [1, 'NaN'] }, { value: [1, '+Inf'] }] },
    },
  },
  text: { status: 200, body: { status: 'success', data: { resultType: 'string', result: [1, 'x'] } } },
  warn: {
    status: 200,
    body: { status: 'success', warnings: ['careful'], data: { resultType: 'scalar', result: [1, '1'] } },
  },
  'bad(': {
    status: 400,
    body: { status: 'error', errorType: 'bad_data', error: 'parse error: unexpected end of input' },
  },
  gateway: { status: 502, body: 'upstream down' },
};

let server: TestServer;
let refused: string;

beforeAll(async () => {
  server = await startTestServer((req, body, res) => {
    if (req.url === '/slow/api/v1/query') return; // never answers
    const query = new URLSearchParams(body).get('query') ?? '';
    const answer = ANSWERS[query];
    if (answer === undefined)
      return sendJson(res, 400, { status: 'error', errorType: 'bad_data', error: `unknown ${query}` });
    if (typeof answer.body === 'string') {
      res.writeHead(answer.status, { 'Content-Type': 'text/plain' });
      res.end(answer.body);
      return;
    }
    sendJson(res, answer.status, answer.body);
  });
  refused = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(async () => {
  await server.close();
});

const run: AnalysisRun = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'r' },
  spec: { metrics: [] },
};
const ctx = { now: () => 0 };

function promMetric(
  query: string,
  extra: Partial<NonNullable<Metric['provider']['prometheus']>> = {},
  fields: Partial<Metric> = {},
): Metric {
  return {
    name: 'success-share',
    successCondition: 'len(result) == 0 || result[0] >= 0.99',
    ...fields,
    provider: { prometheus: { address: server.url, query, ...extra } },
  };
}

providerContract('prometheus', async () => {
  const fixtureServer = await startTestServer((_req, body, res) => {
    const query = new URLSearchParams(body).get('query') ?? '';
    sendJson(res, 200, ANSWERS[query]?.body);
  });
  const port = await closedPort();
  const metric = (query: string, address = fixtureServer.url): Metric => ({
    name: 'success-share',
    successCondition: 'len(result) == 0 || result[0] >= 0.99',
    provider: { prometheus: { address, query } },
  });
  return {
    provider: new PrometheusProvider(),
    successful: metric('all_success'),
    failed: metric('half'),
    error: metric('all_success', `http://127.0.0.1:${port}`),
    errorMentions: [`http://127.0.0.1:${port}`, 'ECONNREFUSED'],
    close: () => fixtureServer.close(),
  };
});

describe('prometheus provider: result shapes and value strings', () => {
  it.each([
    ['a one-series vector is [0.5]', 'half', '[0.5]', 'Failed'],
    ['an all-success vector is [1]', 'all_success', '[1]', 'Successful'],
    ['two series are [0.5,0.7], in response order', 'two', '[0.5,0.7]', 'Failed'],
    ['an empty vector is []', 'none', '[]', 'Successful'],
    ['a scalar is a float64', 'scalar', '0.25', 'Error'],
    ['a matrix is every sample flattened', 'matrix', '[1,2,3]', 'Successful'],
    ['NaN and +Inf print as Go does', 'odd', '[NaN,+Inf]', 'Failed'],
  ])('%s', async (_title, query, value, phase) => {
    const m = await new PrometheusProvider().run(run, promMetric(query), ctx);
    expect(m.value).toBe(value);
    expect(m.phase).toBe(phase);
    expect(m.metadata?.ResolvedPrometheusQuery).toBe(query);
  });

  it('a scalar result works with a scalar condition', async () => {
    const m = await new PrometheusProvider().run(
      run,
      promMetric('scalar', {}, { successCondition: 'result < 0.5' }),
      ctx,
    );
    expect(m).toMatchObject({ phase: 'Successful', value: '0.25' });
  });

  it('an empty vector with result[0] is an Error with the no-data wording', async () => {
    const m = await new PrometheusProvider().run(
      run,
      promMetric('none', {}, { successCondition: 'result[0] >= 0.99' }),
      ctx,
    );
    expect(m.phase).toBe('Error');
    expect(m.message).toBe(
      'could not evaluate successCondition "result[0] >= 0.99": metric result is nil or empty: no data returned from the metric provider',
    );
  });

  it('query warnings go into the measurement metadata', async () => {
    const m = await new PrometheusProvider().run(run, promMetric('warn', {}, { successCondition: 'result == 1' }), ctx);
    expect(m.metadata).toEqual({ ResolvedPrometheusQuery: 'warn', warnings: 'careful' });
  });

  it('a result type other than scalar, vector, matrix is an Error', async () => {
    const m = await new PrometheusProvider().run(run, promMetric('text'), ctx);
    expect(m).toMatchObject({ phase: 'Error', message: 'Prometheus metric type not supported' });
  });

  it('sends the headers and the query as a form', async () => {
    server.requests.length = 0;
    await new PrometheusProvider().run(
      run,
      promMetric('half', { headers: [{ key: 'Authorization', value: 'Bearer t' }] }),
      ctx,
    );
    expect(server.requests[0]?.path).toBe('/api/v1/query');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer t');
    expect(new URLSearchParams(server.requests[0]?.body).get('query')).toBe('half');
  });

  it('authentication.basicAuth is sent as an Authorization header', async () => {
    server.requests.length = 0;
    const auth = { basicAuth: { username: 'u', password: 'p' } };
    await new PrometheusProvider().run(run, promMetric('half', { authentication: auth }), ctx);
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it.each([
    ['rangeQuery', { rangeQuery: { start: 'now() - duration("5m")' } }, 'rangeQuery is not supported yet'],
    ['sigv4', { authentication: { sigv4: { region: 'eu' } } }, 'sigv4 and oauth2 are not supported yet'],
  ])('%s fails loudly as an Error measurement', async (_title, extra, words) => {
    const m = await new PrometheusProvider().run(run, promMetric('half', extra), ctx);
    expect(m.phase).toBe('Error');
    expect(m.message).toContain(words);
  });

  it('the metric metadata carries ResolvedPrometheusQuery', () => {
    expect(new PrometheusProvider().metadata(promMetric('q'))).toEqual({ ResolvedPrometheusQuery: 'q' });
  });
});

describe('prometheus provider: failures are Error measurements naming the address and the cause', () => {
  it.each([
    [
      "Prometheus' own error text",
      () => promMetric('bad('),
      () => [server.url, 'rejected the query', 'bad_data: parse error: unexpected end of input'],
    ],
    ['an HTTP error', () => promMetric('gateway'), () => [server.url, 'HTTP 502', 'upstream down']],
    ['connection refused', () => promMetric('half', { address: refused }), () => [refused, 'ECONNREFUSED']],
    [
      'an address that is not a URL',
      () => promMetric('half', { address: 'prometheus:9090' }),
      () => ['"prometheus:9090"', 'not a URL'],
    ],
  ])('%s', async (_title, metric, words) => {
    const m = await new PrometheusProvider().run(run, metric(), ctx);
    expect(m.phase).toBe('Error');
    for (const w of words()) expect(m.message).toContain(w);
  });

  it('a Prometheus that never answers is cut at `timeout` seconds', async () => {
    const m = await new PrometheusProvider().run(
      run,
      promMetric('half', { address: `${server.url}/slow`, timeout: 1 }),
      ctx,
    );
    expect(m.phase).toBe('Error');
    expect(m.message).toBe(`prometheus query to ${server.url}/slow failed: timed out after 1s`);
  });

  it('--prometheus-address overrides the address of every metric', async () => {
    const m = await new PrometheusProvider({ addressOverride: server.url }).run(
      run,
      promMetric('half', { address: 'http://prometheus-operated.prometheus.svc.cluster.local:9090' }),
      ctx,
    );
    expect(m.value).toBe('[0.5]');
  });
});
