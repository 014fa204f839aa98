import { z } from 'zod';
import type { FieldPath } from './issues.js';

/**
 * Finds fields the schema does not declare, as kubectl's field validation does. Strict-by-default objects (plain
 * `z.object`, which strips) report unknown keys; loose objects (`z.looseObject`) keep them silently, because
 * they stand for free-form or only partly modelled parts (pod templates, plugin configs).
 * Returns the path of every unknown key; call it on a value that already passed the schema.
 */
export function findUnknownFields(schema: z.ZodType, value: unknown, path: FieldPath = []): FieldPath[] {
  const found: FieldPath[] = [];
  walk(schema, value, path, found);
  return found;
}

function walk(schema: z.ZodType, value: unknown, path: FieldPath, found: FieldPath[]): void {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    walkObject(inner, value, path, found);
  } else if (inner instanceof z.ZodArray && Array.isArray(value)) {
    const element = inner.element as z.ZodType;
    value.forEach((item, i) => walk(element, item, [...path, i], found));
  } else if (inner instanceof z.ZodRecord && isPlainObject(value)) {
    const valueType = inner.def.valueType as z.ZodType;
    for (const [k, v] of Object.entries(value)) walk(valueType, v, [...path, k], found);
  } else if (inner instanceof z.ZodUnion) {
    const options = inner.options as readonly z.ZodType[];
    const match = options.find((o) => o.safeParse(value).success);
    if (match) walk(match, value, path, found);
  }
}

function walkObject(schema: z.ZodObject, value: unknown, path: FieldPath, found: FieldPath[]): void {
  if (!isPlainObject(value)) return;
  const shape = schema.shape as Record<string, z.ZodType>;
  const loose = schema.def.catchall !== undefined;
  for (const [k, v] of Object.entries(value)) {
    const fieldSchema = shape[k];
    if (fieldSchema) walk(fieldSchema, v, [...path, k], found);
    else if (!loose) found.push([...path, k]);
  }
}

/** Strips optional/nullable/default/pipe/lazy/readonly wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodReadonly)
      s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else if (s instanceof z.ZodLazy) s = s.unwrap() as z.ZodType;
    else return s;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
