import { describe, expect, it } from 'vitest';
import { compileTable, normaliseHost, pathMatches } from './match.js';
import type { PathType, Route, VirtualHost } from './table.js';
import { withVersion } from './table.js';

describe('pathMatches', () => {
  it.each<[PathType, string, string, boolean]>([
    ['Prefix', '/', '/anything', true],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo', '/foo/bar', true],
    ['Prefix', '/foo', '/foobar', false],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/foo/', false],
    ['ImplementationSpecific', '/foo', '/foobar', true],
    ['ImplementationSpecific', '/foo', '/fo', false],
  ])('%s %s vs %s -> %s', (type, routePath, requestPath, expected) => {
    expect(pathMatches(type, routePath, requestPath)).toBe(expected);
  });
});

describe('normaliseHost', () => {
  it.each([
    ['Sample.App:8080', 'sample.app'],
    ['sample.app', 'sample.app'],
    ['[::1]:80', '[::1]'],
    [undefined, ''],
  ])('%s', (h, expected) => {
    expect(normaliseHost(h)).toBe(expected);
  });
});

function r(path: string, name: string, pathType: PathType = 'Prefix'): Route {
  return {
    path,
    pathType,
    ingress: { namespace: 'default', name },
    backend: { namespace: 'default', service: name, servicePort: 80, endpoints: [] },
    canaries: [],
  };
}

describe('compileTable().match', () => {
  const hosts: VirtualHost[] = [
    { host: '', routes: [r('/', 'catch-all')] },
    { host: '*.wild.test', routes: [r('/', 'wild')] },
    { host: 'sample.app', routes: [r('/api', 'api'), r('/', 'root')] },
    { host: 'only-exact.test', routes: [r('/x', 'x', 'Exact')] },
  ];
  const table = compileTable(withVersion({ hosts, warnings: [] }));

  it.each([
    ['sample.app', '/api/v1?q=1', 'api'],
    ['SAMPLE.APP:80', '/other', 'root'],
    ['a.wild.test', '/', 'wild'],
    ['a.b.wild.test', '/', 'catch-all'],
    ['wild.test', '/', 'catch-all'],
    ['unknown.test', '/', 'catch-all'],
    ['only-exact.test', '/x?y', 'x'],
  ])('%s %s -> %s', (host, target, name) => {
    const m = table.match(host, target);
    expect(m.kind === 'route' ? m.route.ingress.name : m.kind).toBe(name);
  });

  it('answers no-path within a known host instead of falling back to the catch-all', () => {
    expect(table.match('only-exact.test', '/y').kind).toBe('no-path');
  });

  it('answers no-host when nothing claims the host', () => {
    const t = compileTable(withVersion({ hosts: [{ host: 'a.test', routes: [r('/', 'a')] }], warnings: [] }));
    expect(t.match('b.test', '/').kind).toBe('no-host');
  });
});
