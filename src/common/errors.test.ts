import { describe, expect, it } from 'vitest';
import { KanaryError, exitCodeOf, httpStatusOf, toKanaryError } from './errors.js';

describe('KanaryError', () => {
  it.each([
    ['NOT_FOUND', 404, 1],
    ['CONFLICT', 409, 1],
    ['BAD_USAGE', 400, 2],
    ['UNAUTHORIZED', 401, 1],
  ] as const)('maps %s to HTTP %i and exit code %i', (code, http, exit) => {
    expect(httpStatusOf(code)).toBe(http);
    expect(exitCodeOf(code)).toBe(exit);
  });

  it('normalises foreign errors to INTERNAL and keeps the cause', () => {
    const cause = new TypeError('boom');
    const e = toKanaryError(cause);
    expect(e.code).toBe('INTERNAL');
    expect(e.cause).toBe(cause);
    expect(toKanaryError('text').message).toBe('text');
    const k = new KanaryError('NOT_FOUND', 'rollout "x" not found');
    expect(toKanaryError(k)).toBe(k);
  });
});
