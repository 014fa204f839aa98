import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KanaryError } from '../../../common/index.js';
import { durationArg, formatOutput, outputFormatter } from './output.js';

const VALUE = {
  kind: 'Rollout',
  metadata: { name: 'web' },
  spec: { replicas: 3, query: `sum(rate(x[5m]))${'x'.repeat(120)}` },
};

describe('formatOutput', () => {
  it.each([
    ['json', (text: string): unknown => JSON.parse(text)],
    ['yaml', (text: string): unknown => parse(text)],
  ] as const)('%s reads back to the same value and ends in one newline', async (format, read) => {
    const text = await formatOutput(VALUE, format);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(read(text)).toEqual(VALUE);
  });

  it('YAML keeps a long query on one line (no folding)', async () => {
    const text = await formatOutput(VALUE, 'yaml');
    expect(text).toContain(`query: ${VALUE.spec.query}\n`);
  });

  it.each(['json', 'yaml'] as const)('outputFormatter(%s) prints what formatOutput prints', async (format) => {
    expect((await outputFormatter(format))(VALUE)).toBe(await formatOutput(VALUE, format));
  });
});

describe('durationArg', () => {
  it.each([
    ['0', 0],
    ['90', 90_000],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
  ])('%s is %i ms', (value, ms) => {
    expect(durationArg('--timeout', value)).toBe(ms);
  });

  it('a value that is not a duration is a usage error naming the flag and the value', () => {
    const err = (() => {
      try {
        durationArg('--timeout', 'soon');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(KanaryError);
    expect((err as KanaryError).code).toBe('BAD_USAGE');
    expect((err as KanaryError).message).toBe(
      '--timeout "soon" is not a duration; use a number of seconds or 30s, 5m, 1h',
    );
  });
});
