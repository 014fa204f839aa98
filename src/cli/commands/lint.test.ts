import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatLintReport, lintPaths } from './lint.js';

const KANARY = fileURLToPath(new URL('../../../bin/kanary.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const INVALID = 'src/api/testdata/invalid';

function kanary(args: string[]) {
  return execa(process.execPath, [KANARY, ...args], { cwd: ROOT, reject: false, timeout: 30_000 });
}

describe('kanary lint', () => {
  it('exits 0 on the sample app and prints only the summary', async () => {
    const r = await kanary(['lint', '-f', 'examples/sample-app']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('0 errors, 0 warnings in 7 documents from 7 files');
  });

  it('exits 1 with PATH:LINE:COL lines and a summary when a file has errors', async () => {
    const r = await kanary([
      'lint',
      '-f',
      `${INVALID}/rollout-setweight-over-100.yaml`,
      '-f',
      'examples/sample-app/service.yaml',
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      `${INVALID}/rollout-setweight-over-100.yaml:20:22: error: Rollout "demo": spec.strategy.canary.steps[0].setWeight: setWeight 120 must be between 0 and 100`,
      '1 error, 0 warnings in 2 documents from 2 files',
    ]);
  });

  it('exits 0 when there are only warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanary-lint-'));
    try {
      const file = join(dir, 'template.yaml');
      writeFileSync(
        file,
        'apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: t\nspec:\n  metrics:\n    - name: m\n      colour: red\n      provider:\n        web:\n          url: http://127.0.0.1:1/x\n',
      );
      const r = await kanary(['lint', '-f', file]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout.split('\n')).toEqual([
        `${file}:8:7: warning: AnalysisTemplate "t": unknown field "spec.metrics[0].colour" is ignored`,
        '0 errors, 1 warning in 1 document from 1 file',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('formats a report: findings first, the summary last', () => {
    const text = formatLintReport({
      errors: 0,
      warnings: 1,
      documents: 7,
      files: 7,
      diagnostics: [{ path: 'x.yaml', line: 2, col: 3, severity: 'warning', message: 'm' }],
    });
    expect(text).toBe('x.yaml:2:3: warning: m\n0 errors, 1 warning in 7 documents from 7 files\n');
  });

  it('lints a whole directory of invalid manifests, one error at least per file', async () => {
    const r = await kanary(['lint', '-f', INVALID]);
    expect(r.exitCode).toBe(1);
    const files = new Set(
      r.stdout
        .split('\n')
        .filter((l) => l.includes(': error: '))
        .map((l) => l.split(':')[0]),
    );
    const report = lintPaths([fileURLToPath(new URL(`../../../${INVALID}/`, import.meta.url))]);
    expect(files.size).toBe(report.files);
  });

  it('reads standard input with -f -', async () => {
    const r = await execa(process.execPath, [KANARY, 'lint', '-f', '-'], {
      cwd: ROOT,
      reject: false,
      timeout: 30_000,
      input: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: Web_1\n',
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^<stdin>:4:9: error: Service "Web_1": metadata.name: name "Web_1" must be lower-case/,
    );
  });

  it('needs -f (usage error)', async () => {
    const r = await kanary(['lint']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("required option '-f, --filename <path>' not specified");
  });
});
