import { Command } from '@commander-js/extra-typings';
import {
  formatDiagnostic,
  lintDocuments,
  loadPaths,
  sortDiagnostics,
  type Diagnostic,
  type LintCheck,
} from '../../api/index.js';

/**
 * `kanary lint -f PATH [-f PATH ...]`: validates manifests offline, as the controller would, and checks the
 * references between them. Prints `PATH:LINE:COL: error|warning: message` lines and a summary; exit 1 when any
 * error was found, 0 otherwise.
 */

export interface LintReport {
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
  documents: number;
  files: number;
}

/** Loads and lints the paths; `checks` lets later passes (conditions) add their own findings. */
export function lintPaths(paths: readonly string[], checks: readonly LintCheck[] = []): LintReport {
  const loaded = loadPaths(paths);
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...lintDocuments(loaded.documents, { checks })]);
  return {
    diagnostics,
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    documents: loaded.documents.length,
    files: new Set(loaded.documents.map((d) => d.file)).size,
  };
}

/** The lines `kanary lint` prints, the summary last. */
export function formatLintReport(report: LintReport): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = report.diagnostics.map(formatDiagnostic);
  lines.push(
    `${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')} in ${plural(report.documents, 'document')} from ${plural(report.files, 'file')}`,
  );
  return `${lines.join('\n')}\n`;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function lintCommand(checks: readonly LintCheck[] = []): Command<[], { filename: string[] }> {
  return new Command('lint')
    .description('validate Rollout, AnalysisTemplate and related manifests offline, with file:line:col findings')
    .requiredOption(
      '-f, --filename <path>',
      'a YAML file, a directory (read recursively) or - for standard input; repeatable',
      collect,
    )
    .action((opts) => {
      const report = lintPaths(opts.filename, checks);
      process.stdout.write(formatLintReport(report));
      if (report.errors > 0) process.exitCode = 1;
    });
}
