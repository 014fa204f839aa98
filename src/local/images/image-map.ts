import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KanaryError } from '../../common/index.js';
import { builtinImageEntries } from './builtin.js';
import { parseImageReference } from './reference.js';

const EnvValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const EntryFields = {
  command: z.array(z.string()).min(1).optional(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), EnvValue).optional(),
  workingDir: z.string().optional(),
};
const TagOverride = z.strictObject(EntryFields);
const ImageEntrySchema = z.strictObject({ ...EntryFields, tags: z.record(z.string(), TagOverride).optional() });
const ImageMapFile = z.record(z.string(), ImageEntrySchema).nullable();

/**
 * What a repository runs as in local mode. `command` plays the image's ENTRYPOINT and `args` its CMD; `env` the
 * image's ENV (the container's own env wins). `tags` override any field for one tag, e.g. a faulty demo version.
 */
export type ImageEntry = z.input<typeof ImageEntrySchema>;
export type ImageEntries = Record<string, ImageEntry>;

/** One image resolved to a program: the image's ENTRYPOINT, CMD, ENV and working directory. */
export interface ImageCommand {
  command: string[];
  args: string[];
  env: Record<string, string>;
  workingDir: string | undefined;
}

/** Maps container images to local programs. */
export interface ImageMap {
  /** The program for an image, or undefined when no entry covers its repository. Throws INVALID_SPEC on a bad map. */
  lookup(image: string): ImageCommand | undefined;
  /** Where a user adds an entry, for error messages. */
  readonly hint: string;
}

/** The environment variable holding a path to an image map file, or an inline map in YAML flow or JSON (`{...}`). */
export const IMAGE_MAP_ENV = 'KANARY_IMAGE_MAP';
export const IMAGE_MAP_FILE = 'images.yaml';

/** An image map over fixed entries (tests, or a caller that loads its own). */
export function staticImageMap(entries: ImageEntries, hint = 'the image map'): ImageMap {
  const parsed = validate(entries, hint);
  return { hint, lookup: (image) => resolveEntry(parsed, image) };
}

export interface ImageMapOptions {
  /** The state dir whose `images.yaml` is read; re-read whenever it changes. */
  stateDir?: string;
  /** Environment to read `KANARY_IMAGE_MAP` from; defaults to none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Include the built-in entries (the seed's sample app); default true. */
  builtins?: boolean;
}

/**
 * The layered image map of local mode: built-in entries, then `<stateDir>/images.yaml`, then `KANARY_IMAGE_MAP`.
 * A repository in a later layer is merged over the earlier entry (see `mergeEntries`), so a user can add a tag
 * override to the built-in sample app without restating its command. Files are re-read when their mtime changes,
 * so a user can add a mapping while the server runs and the waiting pod starts on the next sync.
 */
export function createImageMap(options: ImageMapOptions = {}): ImageMap {
  const layers: (() => Parsed)[] = [];
  if (options.builtins !== false) {
    const builtins = validate(builtinImageEntries(), 'the built-in image map');
    layers.push(() => builtins);
  }
  const hints: string[] = [];
  if (options.stateDir !== undefined) {
    const file = join(options.stateDir, IMAGE_MAP_FILE);
    layers.push(fileLayer(file));
    hints.push(file);
  }
  const fromEnv = options.env?.[IMAGE_MAP_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const inline = fromEnv.trim().startsWith('{');
    if (inline) {
      const parsed = validate(parseText(fromEnv, IMAGE_MAP_ENV), IMAGE_MAP_ENV);
      layers.push(() => parsed);
    } else {
      layers.push(fileLayer(fromEnv));
    }
  }
  hints.push(`env ${IMAGE_MAP_ENV}`);
  return {
    hint: hints.join(' or '),
    lookup(image) {
      const merged: Parsed = {};
      for (const layer of layers) {
        for (const [repository, entry] of Object.entries(layer())) {
          merged[repository] = mergeEntries(merged[repository], entry);
        }
      }
      return resolveEntry(merged, image);
    },
  };
}

type ParsedEntry = z.output<typeof ImageEntrySchema>;
type Parsed = Record<string, ParsedEntry>;

/** A later layer's fields win; `env` maps merge key by key; `tags` merge tag by tag (a tag's override replaced). */
function mergeEntries(earlier: ParsedEntry | undefined, later: ParsedEntry): ParsedEntry {
  if (earlier === undefined) return later;
  const merged: ParsedEntry = { ...earlier };
  if (later.command !== undefined) merged.command = later.command;
  if (later.args !== undefined) merged.args = later.args;
  if (later.workingDir !== undefined) merged.workingDir = later.workingDir;
  if (later.env !== undefined) merged.env = { ...earlier.env, ...later.env };
  if (later.tags !== undefined) merged.tags = { ...earlier.tags, ...later.tags };
  return merged;
}

function fileLayer(file: string): () => Parsed {
  let cache: { mtimeMs: number; size: number; parsed: Parsed } | undefined;
  return () => {
    if (!existsSync(file)) return {};
    const stat = statSync(file);
    if (cache?.mtimeMs !== stat.mtimeMs || cache.size !== stat.size) {
      cache = {
        mtimeMs: stat.mtimeMs,
        size: stat.size,
        parsed: validate(parseText(readFileSync(file, 'utf8'), file), file),
      };
    }
    return cache.parsed;
  };
}

function parseText(text: string, source: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw new KanaryError('INVALID_SPEC', `image map ${source} is not valid YAML: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function validate(raw: unknown, source: string): Parsed {
  const result = ImageMapFile.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined ? '' : issue.path.map(String).join('.');
    throw new KanaryError(
      'INVALID_SPEC',
      `image map ${source}: ${where === '' ? '' : `at ${where}: `}${issue?.message ?? 'invalid'}; ` +
        'expected "<repository>: { command: [...], args: [...], env: {...}, tags: { <tag>: {...} } }"',
    );
  }
  return result.data ?? {};
}

function resolveEntry(entries: Parsed, image: string): ImageCommand | undefined {
  const ref = parseImageReference(image);
  const entry = entries[ref.repository];
  if (entry === undefined) return undefined;
  const override = ref.tag === undefined ? undefined : entry.tags?.[ref.tag];
  const command = override?.command ?? entry.command;
  if (command === undefined) {
    throw new KanaryError(
      'INVALID_SPEC',
      `image map entry "${ref.repository}" has no command for tag "${ref.tag ?? ''}"; add "command: [...]" to it`,
    );
  }
  return {
    command,
    args: override?.args ?? entry.args ?? [],
    env: { ...entry.env, ...override?.env },
    workingDir: override?.workingDir ?? entry.workingDir,
  };
}
