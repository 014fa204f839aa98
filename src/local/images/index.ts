/** Local mode's answer to "which program does this container image run": the image map. */
export {
  createImageMap,
  staticImageMap,
  IMAGE_MAP_ENV,
  IMAGE_MAP_FILE,
  type ImageMap,
  type ImageMapOptions,
  type ImageEntry,
  type ImageEntries,
  type ImageCommand,
} from './image-map.js';
export { builtinImageEntries, SEED_SAMPLE_APP_REPOSITORY } from './builtin.js';
export { parseImageReference, type ImageReference } from './reference.js';
export {
  resolveContainerProgram,
  type ContainerProgram,
  type ProgramResolution,
  type ContainerLike,
} from './resolve.js';
