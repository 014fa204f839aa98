/**
 * An exact series of durations (ms) with k6's trend statistics. Every value is kept (8 bytes each), so a
 * percentile is exact: k6 interpolates linearly between the two nearest ranks, and so does this.
 */
export class Trend {
  private values = new Float64Array(256);
  private size = 0;
  private sum = 0;
  private sorted = true;

  add(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    if (this.size > 0 && value < (this.values[this.size - 1] ?? 0)) this.sorted = false;
    this.values[this.size++] = value;
    this.sum += value;
  }

  get count(): number {
    return this.size;
  }

  get avg(): number {
    return this.size === 0 ? 0 : this.sum / this.size;
  }

  get min(): number {
    return this.size === 0 ? 0 : (this.view()[0] ?? 0);
  }

  get max(): number {
    return this.size === 0 ? 0 : (this.view()[this.size - 1] ?? 0);
  }

  get med(): number {
    return this.percentile(50);
  }

  /** The `pct`-th percentile (0..100); 0 when empty. */
  percentile(pct: number): number {
    if (this.size === 0) return 0;
    const v = this.view();
    const rank = (Math.min(Math.max(pct, 0), 100) / 100) * (this.size - 1);
    const lower = v[Math.floor(rank)] ?? 0;
    const upper = v[Math.ceil(rank)] ?? 0;
    return lower + (upper - lower) * (rank - Math.floor(rank));
  }

  private view(): Float64Array {
    const v = this.values.subarray(0, this.size);
    if (!this.sorted) {
      v.sort();
      this.sorted = true;
    }
    return v;
  }
}
