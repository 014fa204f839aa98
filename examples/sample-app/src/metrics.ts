/**
 * The app's one metric, `sample_app_requests_count{success}`, in the Prometheus text exposition format 0.0.4.
 * Label children are created on first use, like client_golang's CounterVec: before the first counted request the
 * family is absent from the exposition altogether, which the seed's PromQL depends on (an empty result).
 */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class RequestCounter {
  private readonly children = new Map<'true' | 'false', number>();

  inc(success: boolean): void {
    const key = success ? 'true' : 'false';
    this.children.set(key, (this.children.get(key) ?? 0) + 1);
  }

  /** The exposition text; children sorted by label value, as client_golang does. */
  render(): string {
    if (this.children.size === 0) return '';
    const lines = ['# HELP sample_app_requests_count Request counter', '# TYPE sample_app_requests_count counter'];
    for (const key of [...this.children.keys()].sort()) {
      lines.push(`sample_app_requests_count{success="${key}"} ${this.children.get(key) ?? 0}`);
    }
    return lines.join('\n') + '\n';
  }
}
