import { KanaryError } from '../../common/index.js';
import type { PodIPRange } from '../supervisor/index.js';

/** `FROM-TO` (two IPv4 addresses) as a range; undefined for an unset or empty value. */
export function parsePodIPRange(value: string | undefined): PodIPRange | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const m = /^\s*(\d+\.\d+\.\d+\.\d+)\s*-\s*(\d+\.\d+\.\d+\.\d+)\s*$/.exec(value);
  if (m?.[1] === undefined || m[2] === undefined) {
    throw new KanaryError(
      'BAD_USAGE',
      `KANARY_POD_IP_RANGE "${value}" is not FROM-TO with two loopback addresses, e.g. 127.1.7.1-127.1.7.254`,
    );
  }
  return { from: m[1], to: m[2] };
}
