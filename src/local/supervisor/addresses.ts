import { KanaryError } from '../../common/index.js';

export interface PodIPRange {
  /** First address handed out, e.g. `127.1.0.1`. */
  from: string;
  /** Last address handed out, e.g. `127.1.255.254`. */
  to: string;
}

/** Local mode's pod network: 127.1.0.0/16, every loopback address a pod IP (Linux routes all of 127/8 to lo). */
export const DEFAULT_POD_IP_RANGE: PodIPRange = { from: '127.1.0.1', to: '127.1.255.254' };

/**
 * Hands out pod IPs from a range, lowest free first, skipping addresses whose last octet is 0 or 255. An address is
 * held by one pod key until released, which happens only once that pod's processes are gone.
 */
export class PodIPAllocator {
  private readonly from: number;
  private readonly to: number;
  private readonly owners = new Map<number, string>();

  constructor(range: PodIPRange = DEFAULT_POD_IP_RANGE) {
    this.from = toNumber(range.from);
    this.to = toNumber(range.to);
    if (this.from > this.to || this.from >>> 24 !== 127 || this.to >>> 24 !== 127) {
      throw new KanaryError(
        'INVALID_SPEC',
        `pod IP range ${range.from}-${range.to} must be a loopback range (127.x.y.z) with from <= to`,
      );
    }
  }

  /** Records an address in use by `key` (re-adoption). False when it lies outside the range or another key holds it. */
  reserve(ip: string, key: string): boolean {
    const n = tryNumber(ip);
    if (n === undefined || !this.usable(n)) return false;
    const owner = this.owners.get(n);
    if (owner !== undefined && owner !== key) return false;
    this.owners.set(n, key);
    return true;
  }

  /** An address for `key`: `preferred` when usable and free, else the lowest free one. */
  allocate(key: string, preferred?: string): string {
    if (preferred !== undefined && this.reserve(preferred, key)) return preferred;
    for (let n = this.from; n <= this.to; n++) {
      if (!this.usable(n) || this.owners.has(n)) continue;
      this.owners.set(n, key);
      return toDotted(n);
    }
    throw new KanaryError(
      'INTERNAL',
      `no free pod IP left in ${toDotted(this.from)}-${toDotted(this.to)}; delete pods or widen the range`,
    );
  }

  release(ip: string, key: string): void {
    const n = tryNumber(ip);
    if (n !== undefined && this.owners.get(n) === key) this.owners.delete(n);
  }

  ownerOf(ip: string): string | undefined {
    const n = tryNumber(ip);
    return n === undefined ? undefined : this.owners.get(n);
  }

  private usable(n: number): boolean {
    const last = n & 0xff;
    return n >= this.from && n <= this.to && last !== 0 && last !== 255;
  }
}

function tryNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

function toNumber(ip: string): number {
  const n = tryNumber(ip);
  if (n === undefined) throw new KanaryError('INVALID_SPEC', `"${ip}" is not an IPv4 address`);
  return n;
}

function toDotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}
