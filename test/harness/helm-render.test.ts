import { describe, expect, it } from 'vitest';
import { renderTemplate, type RenderContext } from './helm-render.js';

const ctx: RenderContext = {
  Values: { name: 'web', on: true, off: false, res: { limits: { cpu: '1' } }, empty: '' },
  Release: { Name: 'rel', Namespace: 'ns' },
  Chart: { Name: 'kanary' },
};

/** The test-only renderer of the Go-template subset the chart uses. */
describe('renderTemplate (test-only Helm subset)', () => {
  it.each([
    ['a value', 'a: {{ .Values.name }}', 'a: web'],
    ['release fields', '{{ .Release.Name }}/{{ .Release.Namespace }}', 'rel/ns'],
    ['if true with trim', 'x:\n{{- if .Values.on }}\n  y: 1\n{{- end }}\n', 'x:\n  y: 1\n'],
    ['if false with else', '{{ if .Values.off }}a{{ else }}b{{ end }}', 'b'],
    ['toYaml | nindent', 'r:\n  {{- toYaml .Values.res | nindent 2 }}', 'r:\n  limits:\n    cpu: "1"'],
    ['quote and default', '{{ .Values.name | quote }} {{ .Values.empty | default "x" }}', '"web" x'],
    ['right trim', '{{ .Values.name -}}   \n  z', 'webz'],
  ])('renders %s', (_what, source, expected) => {
    expect(renderTemplate(source, ctx)).toBe(expected);
  });

  it.each([
    ['an unknown function', '{{ include "x" . }}', /unsupported template function "include"/],
    ['an unclosed if', '{{ if .Values.on }}x', /without \{\{ end \}\}/],
    ['a stray end', 'x{{ end }}', /without \{\{ if \}\}/],
  ])('rejects %s', (_what, source, error) => {
    expect(() => renderTemplate(source, ctx)).toThrow(error);
  });
});
