import { Command, Option } from '@commander-js/extra-typings';
import { createLogUpdate } from 'log-update';
import { KanaryError } from '../../common/index.js';
import {
  DEFAULT_MAX_VUS,
  SEED_HEADERS,
  SEED_PROFILE,
  SEED_THRESHOLDS,
  constantProfile,
  formatProgress,
  mergeHeaders,
  parseDuration,
  parseHeader,
  parseStage,
  renderSummary,
  resolveTarget,
  runLoad,
  validateProfile,
  type LoadProfile,
  type LoadProgress,
} from '../../load/index.js';

/** k6's exit code when a threshold fails. */
export const THRESHOLDS_FAILED_EXIT_CODE = 99;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `kanary load`: the seed's k6 load test, built in. */
export function loadCommand() {
  return new Command('load')
    .description(
      "k6-style load test with the seed's checks and thresholds; default profile 1 → 20 it/s over 40s, → 0 over 20s",
    )
    .argument('[url]', 'target URL (default: env KANARY_ROUTER_URL); a bare origin gets --path')
    .option(
      '--stage <duration:target>',
      'arrival-rate stage, repeatable, e.g. --stage 40s:20 --stage 20s:0',
      collect,
      [],
    )
    .option('--start-rate <n>', 'iterations per second at the start of the first --stage', '1')
    .option('--duration <d>', 'constant-rate run length (with --rate), e.g. 30s')
    .option('--rate <n>', 'constant arrival rate in iterations per second (with --duration)')
    .option('-H, --header <header>', "request header 'Name: value', repeatable; 'Name:' removes a default", collect, [])
    .option('--path <path>', 'request path (default /success when the URL has none)')
    .option(
      '--threshold <metric=expr>',
      "threshold, repeatable, replaces the seed's, e.g. 'checks=rate>0.9'",
      collect,
      [],
    )
    .option('--max-vus <n>', 'most requests in flight; arrivals beyond are dropped', String(DEFAULT_MAX_VUS))
    .option('--timeout <d>', 'per-request timeout', '10s')
    .option('--expect-node <name>', "node the 'node is …' check expects (default: any non-empty node)")
    .option('--expect-namespace <ns>', 'namespace the namespace check expects', 'sample-app')
    .option('--expect-pod-prefix <prefix>', 'what the pod check expects pod names to contain', 'sample-app-')
    .addOption(new Option('--json', 'print the summary as JSON').default(false))
    .addOption(new Option('--quiet', 'no progress output').default(false))
    .addHelpText(
      'after',
      `
Defaults: headers ${Object.entries(SEED_HEADERS)
        .map(([k, v]) => `'${k}: ${v}'`)
        .join(', ')}; thresholds ${SEED_THRESHOLDS.join(', ')}.
Exit status: 0 when every threshold passed, ${THRESHOLDS_FAILED_EXIT_CODE} when one failed (as k6), 2 on bad usage.`,
    )
    .action(async (url, opts) => {
      const base = url ?? process.env.KANARY_ROUTER_URL;
      if (base === undefined || base === '') {
        throw new KanaryError(
          'BAD_USAGE',
          'kanary load needs a target: give a URL (e.g. http://127.0.0.1:8080) or set KANARY_ROUTER_URL',
        );
      }
      const target = resolveTarget(base, opts.path);
      const headers = mergeHeaders(SEED_HEADERS, opts.header.map(parseHeader));
      const profile = profileFrom(opts);
      const stop = new AbortController();
      const onSigint = (): void => stop.abort();
      process.once('SIGINT', onSigint);
      const progress = opts.quiet ? undefined : progressPrinter();
      try {
        const summary = await runLoad(
          {
            url: target,
            headers,
            profile,
            maxVUs: positiveInteger('--max-vus', opts.maxVus),
            timeoutMs: parseDuration(opts.timeout, '--timeout'),
            thresholds: opts.threshold.length > 0 ? opts.threshold : SEED_THRESHOLDS,
            expect: { node: opts.expectNode, namespace: opts.expectNamespace, podPrefix: opts.expectPodPrefix },
          },
          { signal: stop.signal, ...(progress === undefined ? {} : { onProgress: progress.update }) },
        );
        progress?.done();
        process.stdout.write(opts.json ? JSON.stringify(summary, null, 2) + '\n' : renderSummary(summary));
        if (!summary.thresholdsPassed) process.exitCode = THRESHOLDS_FAILED_EXIT_CODE;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}

interface ProfileFlags {
  stage: string[];
  startRate: string;
  duration?: string | undefined;
  rate?: string | undefined;
}

function profileFrom(opts: ProfileFlags): LoadProfile {
  const constant = opts.duration !== undefined || opts.rate !== undefined;
  if (constant && opts.stage.length > 0) {
    throw new KanaryError('BAD_USAGE', 'give either --stage … or --duration with --rate, not both');
  }
  if (constant) {
    if (opts.duration === undefined || opts.rate === undefined) {
      throw new KanaryError('BAD_USAGE', '--duration and --rate go together, e.g. --duration 30s --rate 10');
    }
    return constantProfile(nonNegative('--rate', opts.rate), parseDuration(opts.duration, '--duration'));
  }
  if (opts.stage.length === 0) return SEED_PROFILE;
  return validateProfile({
    startRate: nonNegative('--start-rate', opts.startRate),
    stages: opts.stage.map(parseStage),
  });
}

function nonNegative(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new KanaryError('BAD_USAGE', `${flag} "${text}" is not a number ≥ 0; give iterations per second, like 10`);
  }
  return n;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new KanaryError('BAD_USAGE', `${flag} "${text}" is not a whole number ≥ 1; give one like 20`);
  }
  return n;
}

/** On a terminal, one status line rewritten in place; otherwise a plain line every 5 seconds. All on stderr. */
function progressPrinter(): { update: (p: LoadProgress) => void; done: () => void } {
  // A terminal with no rows (some pseudo-terminals) would clip the line away: fall back to plain lines there.
  if (process.stderr.isTTY && process.stderr.rows > 0) {
    const line = createLogUpdate(process.stderr);
    return { update: (p) => line(formatProgress(p)), done: () => line.done() };
  }
  return {
    update: (p) => {
      if (p.final || p.second % 5 === 0) process.stderr.write(formatProgress(p) + '\n');
    },
    done: () => undefined,
  };
}
