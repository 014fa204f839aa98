/** Pure text renderers of the Rollout view model for the CLI; log-update and stdout only paint their output. */
export {
  renderRollout,
  renderHeader,
  renderTree,
  renderRolloutList,
  renderStatusLine,
  analysisCounts,
} from './rollout.js';
export type { RenderOptions } from './rollout.js';
export { palette, useColor, type Palette } from './colors.js';
export { formatTable, width, type Cell } from './table.js';
