import { toKanaryError } from '../../common/index.js';
import type { ImageMap } from './image-map.js';
import { parseImageReference } from './reference.js';

/** A container's program: what to execute, with the image's ENV and working directory. */
export interface ContainerProgram {
  file: string;
  args: string[];
  /** The image's ENV; the container's env is applied on top by the caller. */
  imageEnv: Record<string, string>;
  workingDir: string | undefined;
}

export type ProgramResolution =
  | { ok: true; program: ContainerProgram }
  | { ok: false; reason: 'ImageNotMapped' | 'InvalidImageMap'; message: string };

export interface ContainerLike {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
}

/**
 * Kubernetes' rule: `command` replaces the image's ENTRYPOINT and `args` its CMD. A container with `command` runs
 * even when its image is unknown; otherwise the image map must know the image's repository.
 */
export function resolveContainerProgram(container: ContainerLike, images: ImageMap): ProgramResolution {
  const image = container.image ?? '';
  let entry;
  try {
    entry = image === '' ? undefined : images.lookup(image);
  } catch (err) {
    return { ok: false, reason: 'InvalidImageMap', message: toKanaryError(err).message };
  }
  const command = container.command ?? entry?.command;
  if (command === undefined || command.length === 0) {
    const repository = parseImageReference(image).repository;
    return {
      ok: false,
      reason: 'ImageNotMapped',
      message:
        `image "${image}" of container "${container.name}" has no local command: ` +
        `map repository "${repository}" to a command in ${images.hint} ` +
        `(e.g. "${repository}: { command: [node, app.js] }"), or set "command" in the container`,
    };
  }
  const args = container.args ?? (container.command === undefined ? (entry?.args ?? []) : []);
  const [file, ...commandRest] = command as [string, ...string[]];
  return {
    ok: true,
    program: {
      file,
      args: [...commandRest, ...args],
      imageEnv: entry?.env ?? {},
      workingDir: container.workingDir ?? entry?.workingDir,
    },
  };
}
