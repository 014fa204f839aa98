import { z } from 'zod';
import { AnalysisRunSchema, AnalysisTemplateSchema, ClusterAnalysisTemplateSchema } from './analysis.js';
import { RolloutSchema } from './rollout.js';
import { toYaml } from './load.js';

/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1) for the Argo kinds, generated from the same zod schemas the
 * loader uses, so the cluster and `kanary lint` accept the same objects. The generated OpenAPI is rewritten to
 * Kubernetes' structural-schema rules: no $ref/$schema, int-or-string marked, loose objects and free-form values
 * marked x-kubernetes-preserve-unknown-fields, `metadata` left to the API server.
 */

type JsonSchema = Record<string, unknown>;

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date' | 'boolean' | 'number';
  jsonPath: string;
  description?: string;
}

interface CrdSource {
  kind: string;
  plural: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  schema: z.ZodType;
  columns: PrinterColumn[];
  scale?: boolean;
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

const SOURCES: readonly CrdSource[] = [
  {
    kind: 'Rollout',
    plural: 'rollouts',
    shortNames: ['ro'],
    scope: 'Namespaced',
    schema: RolloutSchema,
    scale: true,
    columns: [
      { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', description: 'Number of desired pods' },
      {
        name: 'Current',
        type: 'integer',
        jsonPath: '.status.replicas',
        description: 'Total number of non-terminated pods',
      },
      {
        name: 'Up-to-date',
        type: 'integer',
        jsonPath: '.status.updatedReplicas',
        description: 'Total number of pods of the current revision',
      },
      {
        name: 'Available',
        type: 'integer',
        jsonPath: '.status.availableReplicas',
        description: 'Total number of available pods',
      },
      {
        name: 'Phase',
        type: 'string',
        jsonPath: '.status.phase',
        description: 'Healthy, Progressing, Paused or Degraded',
      },
      AGE,
    ],
  },
  {
    kind: 'AnalysisTemplate',
    plural: 'analysistemplates',
    shortNames: ['at'],
    scope: 'Namespaced',
    schema: AnalysisTemplateSchema,
    columns: [AGE],
  },
  {
    kind: 'ClusterAnalysisTemplate',
    plural: 'clusteranalysistemplates',
    shortNames: ['cat'],
    scope: 'Cluster',
    schema: ClusterAnalysisTemplateSchema,
    columns: [AGE],
  },
  {
    kind: 'AnalysisRun',
    plural: 'analysisruns',
    shortNames: ['ar'],
    scope: 'Namespaced',
    schema: AnalysisRunSchema,
    columns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'AnalysisRun status' }, AGE],
  },
];

const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';

/** The four CRDs, in a stable order. */
export function generateCrds(): Record<string, unknown>[] {
  return SOURCES.map(crdFor);
}

/** The CRDs as one multi-document YAML stream, as `kanary crds` prints it. */
export function crdsYaml(): string {
  return generateCrds()
    .map((crd) => `---\n${toYaml(crd)}`)
    .join('');
}

function crdFor(src: CrdSource): Record<string, unknown> {
  const hasStatus = src.kind === 'Rollout' || src.kind === 'AnalysisRun';
  const subresources: Record<string, unknown> = {};
  if (hasStatus) subresources.status = {};
  if (src.scale) {
    subresources.scale = {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.HPAReplicas',
      labelSelectorPath: '.status.selector',
    };
  }
  const version: Record<string, unknown> = {
    name: VERSION,
    served: true,
    storage: true,
    additionalPrinterColumns: src.columns,
    schema: { openAPIV3Schema: openApiSchemaFor(src.schema) },
  };
  if (hasStatus) version.subresources = subresources;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${src.plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'kanary' } },
    spec: {
      group: GROUP,
      names: {
        kind: src.kind,
        listKind: `${src.kind}List`,
        plural: src.plural,
        singular: src.kind.toLowerCase(),
        shortNames: src.shortNames,
        categories: ['argoproj'],
      },
      scope: src.scope,
      versions: [version],
    },
  };
}

/** The structural openAPIV3Schema for one kind. */
export function openApiSchemaFor(schema: z.ZodType): JsonSchema {
  const raw = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out = structural(raw);
  const props = out.properties as Record<string, JsonSchema>;
  // The API server owns metadata's schema; CRDs may only say it is an object.
  props.metadata = { type: 'object' };
  props.apiVersion = { type: 'string' };
  props.kind = { type: 'string' };
  out.required = ((out.required as string[] | undefined) ?? []).filter(
    (k) => !['apiVersion', 'kind', 'metadata'].includes(k),
  );
  if ((out.required as string[]).length === 0) delete out.required;
  return out;
}

const INT_OR_STRING_TYPES = new Set(['integer', 'string']);

/** Rewrites a generated JSON schema node to Kubernetes' structural rules. */
export function structural(node: JsonSchema): JsonSchema {
  if ('$ref' in node) throw new Error('structural schemas cannot contain $ref; inline the schema');
  const anyOf = node.anyOf as JsonSchema[] | undefined;
  if (anyOf) {
    const types = anyOf.map((b) => b.type);
    return types.every((t) => typeof t === 'string' && INT_OR_STRING_TYPES.has(t))
      ? { 'x-kubernetes-int-or-string': true }
      : { 'x-kubernetes-preserve-unknown-fields': true };
  }
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$schema' || k === 'propertyNames') continue;
    if ((k === 'minimum' || k === 'maximum') && Math.abs(v as number) >= Number.MAX_SAFE_INTEGER) continue;
    out[k] = v;
  }
  if (out.type === undefined) return { 'x-kubernetes-preserve-unknown-fields': true };
  if (out.type === 'array' && out.items) out.items = structural(out.items as JsonSchema);
  if (out.type === 'object') structuralObject(out);
  return out;
}

function structuralObject(out: JsonSchema): void {
  const props = out.properties as Record<string, JsonSchema> | undefined;
  const extra = out.additionalProperties as JsonSchema | boolean | undefined;
  if (props) {
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, structural(v)]));
    if (extra !== undefined) {
      delete out.additionalProperties;
      if (extra !== false) out['x-kubernetes-preserve-unknown-fields'] = true;
    }
    return;
  }
  if (extra === undefined || extra === false) return;
  if (extra === true || Object.keys(extra).length === 0) {
    delete out.additionalProperties;
    out['x-kubernetes-preserve-unknown-fields'] = true;
  } else {
    out.additionalProperties = structural(extra);
  }
}
