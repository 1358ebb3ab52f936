import type { Metric, MetricValueWithName } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A histogram for the per-request path. prom-client's own child checks its labels and hashes
 * them on every observation, a visible share of a whole /track request's main-thread CPU
 * (bench/README); a series of this one is made once per label set, and an observation
 * is a search of the bounds and three additions. The registry renders it like its own
 * histograms, through the same `get()` they answer.
 */
export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly all: Series[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  /** The observer of one label set; call once per label set and keep it. */
  series(labels: Record<string, string>): (value: number) => void {
    const bounds = this.bounds;
    const s: Series = { labels, counts: new Float64Array(bounds.length + 1), sum: 0, count: 0 };
    this.all.push(s);
    return (value) => {
      let i = 0;
      while (i < bounds.length && value > bounds[i]) i++;
      s.counts[i]++;
      s.sum += value;
      s.count++;
    };
  }

  /** What prom-client's registry renders (its histograms' `get()` answers the same shape). */
  get(): Promise<{ name: string; help: string; type: 'histogram'; values: MetricValueWithName<string>[]; aggregator: 'sum' }> {
    const values: MetricValueWithName<string>[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.all) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i];
        values.push({ metricName: bucket, labels: { ...s.labels, le }, value: cumulative });
      });
      values.push({ metricName: bucket, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  /** Series stay (their observers are held by callers); their values start again. */
  reset(): void {
    for (const s of this.all) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }

  /** For `registry.registerMetric`, which is typed for prom-client's own classes only. */
  asMetric(): Metric {
    return this as unknown as Metric;
  }
}
