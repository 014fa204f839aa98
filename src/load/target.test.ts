import { describe, expect, it } from 'vitest';
import { SEED_HEADERS, mergeHeaders, parseHeader, resolveTarget } from './target.js';

describe('resolveTarget', () => {
  it.each([
    ['http://127.0.0.1:8080', undefined, 'http://127.0.0.1:8080/success'],
    ['http://127.0.0.1:8080/', undefined, 'http://127.0.0.1:8080/success'],
    ['http://127.0.0.1:8080/error', undefined, 'http://127.0.0.1:8080/error'],
    ['http://127.0.0.1:8080/?a=1', undefined, 'http://127.0.0.1:8080/?a=1'],
    ['http://127.0.0.1:8080/error', '/success', 'http://127.0.0.1:8080/success'],
    ['http://127.0.0.1', '/error?x=1', 'http://127.0.0.1/error?x=1'],
    ['https://example.test', undefined, 'https://example.test/success'],
  ])('%s with path %s is %s', (base, path, url) => {
    expect(resolveTarget(base, path)).toBe(url);
  });

  it.each([
    ['127.0.0.1:8080', undefined, /is not http or https|is not a URL/],
    ['not a url', undefined, /is not a URL/],
    ['ftp://127.0.0.1', undefined, /is not http or https/],
    ['http://127.0.0.1', 'success', /must start with \//],
  ])('refuses %s (path %s)', (base, path, message) => {
    expect(() => resolveTarget(base, path)).toThrow(message);
  });
});

describe('headers', () => {
  it.each([
    ['Host: sample.app', ['Host', 'sample.app']],
    ['X-Canary:always', ['X-Canary', 'always']],
    ['  X-A :  b c  ', ['X-A', 'b c']],
    ['Host:', ['Host', '']],
    ['X-Time: 12:30', ['X-Time', '12:30']],
  ])('parses %j', (text, header) => {
    expect(parseHeader(text)).toEqual(header);
  });

  it.each(['no colon', ': value', 'Bad Name: x'])('refuses %j', (text) => {
    expect(() => parseHeader(text)).toThrow(/is not "Name: value"/);
  });

  it('overrides defaults case-insensitively, adds new ones and removes on an empty value', () => {
    expect(
      mergeHeaders(SEED_HEADERS, [
        ['host', 'other.app'],
        ['X-Canary', 'always'],
        ['content-type', ''],
      ]),
    ).toEqual({
      host: 'other.app',
      'X-Canary': 'always',
    });
  });
});
