import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun, Metric } from '../../api/index.js';
import { providerContract } from './contract.js';
import { closedPort, sendJson, startTestServer, type TestServer } from './test-server.js';
import { toRfc9535, WebProvider } from './web.js';

let server: TestServer;

function handler(): Parameters<typeof startTestServer>[0] {
  return (req, body, res) => {
    switch (req.url) {
      case '/ok':
        return sendJson(res, 200, { data: { ok: true, rate: 0.97, items: [{ n: 1 }, { n: 2 }] } });
      case '/bad':
        return sendJson(res, 200, { data: { ok: false } });
      case '/down':
        return sendJson(res, 503, { error: 'down' });
      case '/text':
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return res.end('healthy');
      case '/echo':
        return sendJson(res, 200, { method: req.method, contentType: req.headers['content-type'] ?? '', body });
      case '/slow':
        return; // never answers
      case undefined:
      default:
        return sendJson(res, 404, {});
    }
  };
}

beforeAll(async () => {
  server = await startTestServer(handler());
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

function webMetric(
  path: string,
  web: Partial<NonNullable<Metric['provider']['web']>> = {},
  fields: Partial<Metric> = {},
): Metric {
  return { name: 'web', ...fields, provider: { web: { url: `${server.url}${path}`, ...web } } };
}

providerContract('web', async () => {
  const s = await startTestServer(handler());
  const port = await closedPort();
  const metric = (url: string): Metric => ({
    name: 'health',
    successCondition: 'result == true',
    provider: { web: { url, jsonPath: '{$.data.ok}' } },
  });
  return {
    provider: new WebProvider(),
    successful: metric(`${s.url}/ok`),
    failed: metric(`${s.url}/bad`),
    error: metric(`http://127.0.0.1:${port}/ok`),
    errorMentions: [`http://127.0.0.1:${port}/ok`, 'ECONNREFUSED'],
    close: () => s.close(),
  };
});

describe('web provider', () => {
  it.each([
    ['Kubernetes braces are stripped', '{$.data.ok}', '$.data.ok'],
    ['a leading dot means the root', '{.data.ok}', '$.data.ok'],
    ['{$} is the whole document', '{$}', '$'],
    ['a bare RFC 9535 path is kept', '$.a[0]', '$.a[0]'],
  ])('jsonPath: %s', (_title, input, expected) => {
    expect(toRfc9535(input)).toBe(expected);
  });

  it.each([
    ['a number keeps its JSON type', '{$.data.rate}', 'result > 0.95', '0.97', 'Successful'],
    ['an object is a map', '{$.data.items[0]}', 'result.n == 1', '{"n":1}', 'Successful'],
    ['the first match wins', '$.data.items[*].n', 'result == 1', '1', 'Successful'],
    [
      'the default jsonPath is the whole body',
      undefined,
      'result.data.ok',
      '{"data":{"ok":true,"rate":0.97,"items":[{"n":1},{"n":2}]}}',
      'Successful',
    ],
  ])('JSON body: %s', async (_title, jsonPath, condition, value, phase) => {
    const m = await new WebProvider().run(
      run,
      webMetric('/ok', jsonPath === undefined ? {} : { jsonPath }, { successCondition: condition }),
      ctx,
    );
    expect(m.message).toBeUndefined();
    expect(m).toMatchObject({ phase, value });
  });

  it('a body that is not JSON is a string result', async () => {
    const m = await new WebProvider().run(
      run,
      webMetric('/text', {}, { successCondition: 'result == "healthy"' }),
      ctx,
    );
    expect(m).toMatchObject({ phase: 'Successful', value: 'healthy' });
  });

  it('a non-2xx answer is an Error', async () => {
    const m = await new WebProvider().run(run, webMetric('/down'), ctx);
    expect(m).toMatchObject({ phase: 'Error', message: 'received non 2xx response code: 503' });
  });

  it('a jsonPath that matches nothing is an Error', async () => {
    const m = await new WebProvider().run(run, webMetric('/ok', { jsonPath: '{$.nothing}' }), ctx);
    expect(m.phase).toBe('Error');
    expect(m.message).toContain('matched nothing');
  });

  it('jsonBody is sent as JSON with Content-Type application/json', async () => {
    const m = await new WebProvider().run(
      run,
      webMetric(
        '/echo',
        { method: 'POST', jsonBody: { a: [1, 'x'] } },
        { successCondition: 'result.contentType == "application/json"' },
      ),
      ctx,
    );
    expect(m.phase).toBe('Successful');
    expect(JSON.parse(m.value ?? '{}')).toMatchObject({ method: 'POST', body: '{"a":[1,"x"]}' });
  });

  it('body is sent as is with PUT', async () => {
    const m = await new WebProvider().run(
      run,
      webMetric('/echo', { method: 'PUT', body: 'raw' }, { successCondition: 'result.body == "raw"' }),
      ctx,
    );
    expect(m.phase).toBe('Successful');
  });

  it('an endpoint that never answers is cut at timeoutSeconds', async () => {
    const m = await new WebProvider().run(run, webMetric('/slow', { timeoutSeconds: 1 }), ctx);
    expect(m).toMatchObject({ phase: 'Error', message: `GET ${server.url}/slow failed: timed out after 1s` });
  });
});
