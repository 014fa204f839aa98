import { describe, expect, it } from 'vitest';
import { parseWrk } from './run.js';

// A report in the shape wrk 4.1 prints with --latency.
const report = `Running 10s test @ http://127.0.0.1:8080/success
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52ms    2.01ms  40.11ms   95.12%
    Req/Sec    17.20k     1.31k   19.90k    71.00%
  Latency Distribution
     50%  987.00us
     75%    1.40ms
     90%    2.30ms
     99%    1.20s
  342210 requests in 10.00s, 61.36MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  34216.70
Transfer/sec:      6.14MB
`;

describe('parseWrk', () => {
  it('reads throughput, percentiles in any unit, and errors', () => {
    expect(parseWrk(report)).toEqual({
      requestsPerSecond: 34216.7,
      p50Ms: 0.987,
      p99Ms: 1200,
      requests: 342210,
      errors: 7,
    });
  });

  it('rejects output without a latency table', () => {
    expect(() => parseWrk('Requests/sec: 1\n 1 requests in 1s')).toThrow(/no 50% latency/);
  });
});
