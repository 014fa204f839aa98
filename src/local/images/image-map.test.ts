import { mkdtempSync, rmSync, writeFileSync, existsSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KanaryError } from '../../common/index.js';
import {
  createImageMap,
  parseImageReference,
  resolveContainerProgram,
  SEED_SAMPLE_APP_REPOSITORY,
  staticImageMap,
} from './index.js';

describe('parseImageReference', () => {
  it.each([
    ['nginx', 'nginx', undefined, undefined],
    ['nginx:1.27', 'nginx', '1.27', undefined],
    ['ghcr.io/jhandguy/canary-deployment/sample-app:1.0.0', SEED_SAMPLE_APP_REPOSITORY, '1.0.0', undefined],
    ['localhost:5000/app', 'localhost:5000/app', undefined, undefined],
    ['localhost:5000/app:2', 'localhost:5000/app', '2', undefined],
    ['repo/app@sha256:abc', 'repo/app', undefined, 'sha256:abc'],
    ['repo/app:1@sha256:abc', 'repo/app', '1', 'sha256:abc'],
  ])('%s', (image, repository, tag, digest) => {
    expect(parseImageReference(image)).toEqual({ repository, tag, digest });
  });
});

describe('image map', () => {
  const map = staticImageMap({
    'example.org/app': {
      command: ['node', 'app.js'],
      args: ['--serve'],
      env: { MODE: 'prod', RATE: 0.5 },
      tags: { faulty: { env: { ERROR_RATE: '0.3' } }, other: { command: ['python3', 'app.py'], args: [] } },
    },
  });

  it('resolves a repository for any tag, with per-tag overrides merged over the entry', () => {
    expect(map.lookup('example.org/app:1.0.0')).toEqual({
      command: ['node', 'app.js'],
      args: ['--serve'],
      env: { MODE: 'prod', RATE: '0.5' },
      workingDir: undefined,
    });
    expect(map.lookup('example.org/app:faulty')?.env).toEqual({ MODE: 'prod', RATE: '0.5', ERROR_RATE: '0.3' });
    expect(map.lookup('example.org/app:other')).toMatchObject({ command: ['python3', 'app.py'], args: [] });
    expect(map.lookup('example.org/other:1')).toBeUndefined();
  });

  it.each([
    [{ command: ['a'] }, ['a'], []],
    [{ command: ['a'], args: ['b'] }, ['a'], ['b']],
    [{ command: ['x', 'y'], args: ['z'] }, ['x'], ['y', 'z']],
  ])('container %j: command replaces ENTRYPOINT, args CMD', (container, file, programArgs) => {
    const result = resolveContainerProgram({ name: 'c', image: 'example.org/app:1', ...container }, map);
    expect(result.ok && [result.program.file]).toEqual(file);
    expect(result.ok && result.program.args).toEqual(programArgs);
    // The image's ENV still applies, as Docker's ENV does whatever the command.
    expect(result.ok && result.program.imageEnv.MODE).toBe('prod');
  });

  it('uses the image ENTRYPOINT with the container args when only args are set', () => {
    const result = resolveContainerProgram({ name: 'c', image: 'example.org/app:1', args: ['--x'] }, map);
    expect(result).toMatchObject({ ok: true, program: { file: 'node', args: ['app.js', '--x'] } });
  });

  it('runs a container with a command even when its image is unknown', () => {
    const result = resolveContainerProgram({ name: 'c', image: 'nowhere/x:1', command: ['sleep', '1'] }, map);
    expect(result).toMatchObject({ ok: true, program: { file: 'sleep', args: ['1'], imageEnv: {} } });
  });

  it('names the image, the repository and where to map it when the image is unknown', () => {
    const result = resolveContainerProgram({ name: 'web', image: 'nowhere/x:1.2' }, map);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('ImageNotMapped');
    expect(result.message).toContain('image "nowhere/x:1.2"');
    expect(result.message).toContain('container "web"');
    expect(result.message).toContain('map repository "nowhere/x"');
    expect(result.message).toContain('the image map');
  });

  it('rejects a malformed map naming the field', () => {
    expect(() => staticImageMap({ 'a/b': { command: 'node' } as never })).toThrow(/at a\/b\.command/);
    expect(() => staticImageMap({ 'a/b': { comand: ['x'] } as never })).toThrow(KanaryError);
  });
});

describe('createImageMap', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function stateDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'kanary-images-'));
    dirs.push(dir);
    return dir;
  }

  it('maps the seed image to the TypeScript sample app run by this node with tsx', () => {
    const entry = createImageMap().lookup(`${SEED_SAMPLE_APP_REPOSITORY}:latest`);
    expect(entry?.command).toEqual([process.execPath]);
    expect(entry?.args[0]).toBe('--import');
    expect(entry?.args[1]).toMatch(/^file:.*tsx/);
    expect(entry?.args[2]).toMatch(/examples[/\\]sample-app[/\\]src[/\\]main\.ts$/);
    expect(existsSync(entry?.args[2] ?? '')).toBe(true);
  });

  it('layers images.yaml over the built-ins and KANARY_IMAGE_MAP over both, re-reading the file on change', () => {
    const dir = stateDir();
    const file = join(dir, 'images.yaml');
    const map = createImageMap({
      stateDir: dir,
      env: { KANARY_IMAGE_MAP: '{"example.org/b": {"command": ["from-env"]}}' },
    });
    expect(map.lookup('example.org/a:1')).toBeUndefined();
    expect(map.hint).toContain(file);
    expect(map.hint).toContain('KANARY_IMAGE_MAP');

    writeFileSync(file, 'example.org/a:\n  command: [first]\nexample.org/b:\n  command: [from-file]\n');
    expect(map.lookup('example.org/a:1')?.command).toEqual(['first']);
    expect(map.lookup('example.org/b:1')?.command).toEqual(['from-env']);

    const builtin = map.lookup(`${SEED_SAMPLE_APP_REPOSITORY}:1.0.0`);
    writeFileSync(
      file,
      `${SEED_SAMPLE_APP_REPOSITORY}:\n  env: { LATENCY_MS: 5 }\n  tags:\n    faulty: { env: { ERROR_RATE: 0.5 } }\n` +
        'example.org/a:\n  command: [second]\n',
    );
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    expect(map.lookup('example.org/a:1')?.command).toEqual(['second']);
    // A user layer adds to the built-in entry: same program, extra env, and a tag-specific override.
    expect(map.lookup(`${SEED_SAMPLE_APP_REPOSITORY}:1.0.0`)).toEqual({ ...builtin, env: { LATENCY_MS: '5' } });
    expect(map.lookup(`${SEED_SAMPLE_APP_REPOSITORY}:faulty`)).toEqual({
      ...builtin,
      env: { LATENCY_MS: '5', ERROR_RATE: '0.5' },
    });
  });

  it('reads KANARY_IMAGE_MAP as a file path when it is not inline', () => {
    const dir = stateDir();
    const file = join(dir, 'other.yaml');
    writeFileSync(file, 'example.org/c:\n  command: [c]\n  tags:\n    "2.0.0": { env: { ERROR_RATE: 0.5 } }\n');
    const map = createImageMap({ env: { KANARY_IMAGE_MAP: file }, builtins: false });
    expect(map.lookup('example.org/c:2.0.0')).toMatchObject({ command: ['c'], env: { ERROR_RATE: '0.5' } });
  });

  it('reports a broken images.yaml with its path', () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'images.yaml'), 'example.org/a: { command: [x\n');
    const map = createImageMap({ stateDir: dir });
    expect(() => map.lookup('example.org/a:1')).toThrow(/images\.yaml is not valid YAML/);
    const result = resolveContainerProgram({ name: 'c', image: 'example.org/a:1' }, map);
    expect(result).toMatchObject({ ok: false, reason: 'InvalidImageMap' });
  });
});
