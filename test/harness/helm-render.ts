/**
 * A TEST-ONLY renderer for the subset of Helm's Go templates that Kanary's chart uses (Helm itself is not
 * installed where the tests run): `{{ .Values.a.b }}`, `{{ .Release.Name }}`, `{{ .Release.Namespace }}`,
 * `{{ .Chart.Name }}`, `{{- if X }}` / `{{- else }}` / `{{- end }}`, the pipeline functions `toYaml`, `nindent N`,
 * `indent N`, `quote` and `default V`, and the `{{-` / `-}}` whitespace trimming. Anything else is an error, so
 * a template that strays outside the subset fails its test instead of rendering wrongly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export interface RenderContext {
  Values: Record<string, unknown>;
  Release: { Name: string; Namespace: string };
  Chart: Record<string, unknown>;
}

type Node =
  | { type: 'text'; text: string }
  | { type: 'expr'; pipeline: string }
  | { type: 'if'; cond: string; then: Node[]; else: Node[] };

/** Renders every `templates/*.yaml` of a chart (sorted by file name); `crds/` is returned as-is, as Helm installs it. */
export function renderChart(
  chartDir: string,
  release: { name: string; namespace: string },
  overrides: Record<string, unknown> = {},
): { templates: Map<string, string>; crds: Map<string, string> } {
  const values = deepMerge(
    parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>,
    overrides,
  );
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const ctx: RenderContext = {
    Values: values,
    Release: { Name: release.name, Namespace: release.namespace },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
  };
  const templates = new Map<string, string>();
  for (const file of readdirSync(join(chartDir, 'templates')).sort()) {
    if (!file.endsWith('.yaml')) continue;
    templates.set(file, renderTemplate(readFileSync(join(chartDir, 'templates', file), 'utf8'), ctx));
  }
  const crds = new Map<string, string>();
  for (const file of readdirSync(join(chartDir, 'crds')).sort()) {
    crds.set(file, readFileSync(join(chartDir, 'crds', file), 'utf8'));
  }
  return { templates, crds };
}

export function renderTemplate(source: string, ctx: RenderContext): string {
  return renderNodes(parseTemplate(source), ctx);
}

function parseTemplate(source: string): Node[] {
  // Tokenise into text and actions, applying the trim markers to the neighbouring text.
  const tokens: ({ kind: 'text'; text: string } | { kind: 'action'; body: string })[] = [];
  const re = /\{\{(-?)\s*(.*?)\s*(-?)\}\}/gs;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) {
    let text = source.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-') text = text.replace(/\s+$/, '');
    tokens.push({ kind: 'text', text });
    tokens.push({ kind: 'action', body: m[2] ?? '' });
    trimNext = m[3] === '-';
    last = m.index + m[0].length;
  }
  let tail = source.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  tokens.push({ kind: 'text', text: tail });

  const root: Node[] = [];
  const stack: { node: Extract<Node, { type: 'if' }>; inElse: boolean }[] = [];
  const target = (): Node[] => {
    const top = stack[stack.length - 1];
    return top === undefined ? root : top.inElse ? top.node.else : top.node.then;
  };
  for (const t of tokens) {
    if (t.kind === 'text') {
      if (t.text !== '') target().push({ type: 'text', text: t.text });
      continue;
    }
    const body = t.body;
    if (body.startsWith('/*')) continue;
    if (body.startsWith('if ')) {
      const node: Extract<Node, { type: 'if' }> = { type: 'if', cond: body.slice(3).trim(), then: [], else: [] };
      target().push(node);
      stack.push({ node, inElse: false });
    } else if (body === 'else') {
      const top = stack[stack.length - 1];
      if (!top) throw new Error('{{ else }} without {{ if }}');
      top.inElse = true;
    } else if (body === 'end') {
      if (!stack.pop()) throw new Error('{{ end }} without {{ if }}');
    } else {
      target().push({ type: 'expr', pipeline: body });
    }
  }
  if (stack.length > 0) throw new Error('{{ if }} without {{ end }}');
  return root;
}

function renderNodes(nodes: Node[], ctx: RenderContext): string {
  let out = '';
  for (const n of nodes) {
    if (n.type === 'text') out += n.text;
    else if (n.type === 'expr') out += stringOf(evalPipeline(n.pipeline, ctx));
    else out += renderNodes(truthy(evalPipeline(n.cond, ctx)) ? n.then : n.else, ctx);
  }
  return out;
}

function evalPipeline(pipeline: string, ctx: RenderContext): unknown {
  const stages = pipeline.split('|').map((s) => s.trim());
  let value: unknown;
  stages.forEach((stage, i) => {
    const words = splitWords(stage);
    const [head, ...args] = words;
    if (head === undefined) throw new Error(`empty pipeline stage in "${pipeline}"`);
    if (i === 0 && (head.startsWith('.') || head.startsWith('"'))) {
      if (args.length > 0) throw new Error(`unexpected arguments in "${stage}"`);
      value = term(head, ctx);
      return;
    }
    const argValues = args.map((a) => term(a, ctx));
    if (i > 0) argValues.push(value);
    value = call(head, argValues);
  });
  return value;
}

function splitWords(stage: string): string[] {
  return stage.match(/"[^"]*"|\S+/g) ?? [];
}

function term(word: string, ctx: RenderContext): unknown {
  if (word.startsWith('"')) return word.slice(1, -1);
  if (/^-?\d+$/.test(word)) return Number(word);
  if (word === 'true' || word === 'false') return word === 'true';
  if (!word.startsWith('.')) throw new Error(`unsupported term "${word}"`);
  let cur: unknown = ctx;
  for (const part of word.slice(1).split('.')) {
    if (part === '') continue;
    cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[part] : undefined;
  }
  return cur;
}

function call(fn: string, args: unknown[]): unknown {
  switch (fn) {
    case 'toYaml': {
      const [v] = args;
      return v === undefined || v === null ? '' : stringify(v).replace(/\n$/, '');
    }
    case 'nindent':
    case 'indent': {
      const [n, text] = args;
      const pad = ' '.repeat(Number(n));
      const indented = String(text)
        .split('\n')
        .map((l) => pad + l)
        .join('\n');
      return fn === 'nindent' ? `\n${indented}` : indented;
    }
    case 'quote':
      return JSON.stringify(stringOf(args[0]));
    case 'default': {
      const [fallback, v] = args;
      return truthy(v) ? v : fallback;
    }
    default:
      throw new Error(`unsupported template function "${fn}"`);
  }
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function stringOf(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      typeof b === 'object' &&
      b !== null &&
      !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
