import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { INGEST_CHANNELS, type IngestChannel, ingestChannelOf } from '../pipeline';
import { FastHistogram } from './fast-histogram';
import { MetricsService } from './metrics.service';

/** The route label of requests no route matched: never their path (unbounded, caller-chosen). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds. /track answers in about a millisecond; exports and charts take up to seconds. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Why an ingestion request was refused as a whole, by its status. */
type RefusalReason = 'invalid' | 'unauthorized' | 'throttled' | 'unavailable';
const REFUSAL_BY_STATUS: ReadonlyMap<number, RefusalReason> = new Map([
  [400, 'invalid'],
  [401, 'unauthorized'],
  [403, 'unauthorized'],
  [413, 'invalid'],
  [415, 'invalid'],
  [429, 'throttled'],
  [503, 'unavailable'],
]);
const REFUSAL_REASONS: readonly RefusalReason[] = ['invalid', 'unauthorized', 'throttled', 'unavailable'];

type Observe = (seconds: number) => void;

/**
 * `http_request_duration_seconds` by method, route pattern and status, and the refusals of
 * ingestion requests by source, from one Fastify onResponse hook. Per request it costs a map
 * lookup and one observation of a FastHistogram series, made once per label set; the time
 * is the one Fastify already measured (`reply.elapsedTime`).
 */
@Injectable()
export class HttpMetrics {
  private readonly duration = new FastHistogram(
    'http_request_duration_seconds',
    'Time from the request to the end of the answer, by route pattern',
    HTTP_BUCKETS,
  );
  /** Observers by route, method and status: lookups of strings V8 has hashed, no key built. */
  private readonly children = new Map<string, Map<string, Map<number, Observe>>>();
  /** Plain numbers on the hot path; the counter reads them when scraped. */
  private readonly refused = {} as Record<IngestChannel, Record<RefusalReason, number>>;

  constructor(adapterHost: HttpAdapterHost, metrics: MetricsService) {
    const registers = [metrics.registry];
    metrics.registry.registerMetric(this.duration.asMetric());
    for (const channel of INGEST_CHANNELS) this.refused[channel] = { invalid: 0, unauthorized: 0, throttled: 0, unavailable: 0 };
    const refused = this.refused;
    new Counter({
      name: 'ingest_requests_refused_total',
      help: 'Ingestion requests answered with an error as a whole: invalid (400, 413, 415), unauthorized (401, 403: a wrong key or secret, a foreign origin), throttled (429), unavailable (503: saturated, shutting down or a store down)',
      labelNames: ['source', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const channel of INGEST_CHANNELS)
          for (const reason of REFUSAL_REASONS) this.inc({ source: channel, reason }, refused[channel][reason]);
      },
    });
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onResponse', (request, reply, done) => {
      this.record(request, reply);
      done();
    });
  }

  private record(request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode;
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const method = request.method;
    let byMethod = this.children.get(route);
    if (!byMethod) this.children.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let observe = byStatus.get(status);
    if (!observe) byStatus.set(status, (observe = this.duration.series({ method, route, status_code: String(status) })));
    observe(reply.elapsedTime / 1000);
    if (status >= 400) {
      const channel = ingestChannelOf(request);
      const reason = channel && REFUSAL_BY_STATUS.get(status);
      if (reason) this.refused[channel][reason]++;
    }
  }
}
