import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The process's metrics registry. A registry of its own, not prom-client's global one: several
 * apps in one process (the e2e tests) would otherwise register the same names twice.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor() {
    // prom-client's process and Node metrics (CPU, memory, event-loop lag, GC, handles).
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric; gauges read their sources now. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
