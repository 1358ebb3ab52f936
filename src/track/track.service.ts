import { Injectable } from '@nestjs/common';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@app/common';
import type { IncomingEvent } from '@app/ingest';
import { firstHeader } from '../auth';
import { describeProblem, IngestService, type Problem } from '../ingest';
import { type RequestContext, requestContext } from './request-context';
import { TRACK_ITEM_SCHEMA, TRACK_TYPES, trackItemSchemaOf, type TrackType } from './track.schema';
import { checkTrackItem, groupOf, identifyOf, identifyOnTrack, idText } from './track-checks';

export interface TrackItem {
  type: TrackType;
  payload: Record<string, unknown>;
}

export interface TrackAnswer {
  deviceId: string;
  sessionId: string;
}

export type TrackOutcome = { kind: 'ok'; answer: TrackAnswer } | { kind: 'bot'; bot: { name: string; type: string } };

export interface BatchAnswer {
  accepted: number;
  rejected: { index: number; error: string }[];
}

/**
 * OpenPanel's /track on the ingestion pipeline: each `type` becomes an event or a profile
 * change. Validation of a single call happens in Fastify (the route's compiled schema); batch
 * items are checked one by one here, with the same schema compiled once.
 */
@Injectable()
export class TrackService {
  private readonly validateItem: ValidateFunction;
  /**
   * The item schema narrowed to each `type`: a batch item is checked against its own type's
   * schema only, without trying the other types' conditions (each failed condition costs
   * an error object, for every item). Items with an unknown type take `validateItem`.
   */
  private readonly validateByType: ReadonlyMap<unknown, ValidateFunction>;

  constructor(private readonly ingest: IngestService) {
    const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
    addFormats(ajv);
    this.validateItem = ajv.compile(TRACK_ITEM_SCHEMA);
    this.validateByType = new Map(TRACK_TYPES.map((type) => [type, ajv.compile(trackItemSchemaOf(type))]));
  }

  track(req: FastifyRequest, item: TrackItem): Promise<TrackOutcome> {
    return this.checkAndHandle(req, item, ['payload']);
  }

  /**
   * A track payload sent as the whole body (OpenPanel's legacy POST /event): the same checks
   * and path as a `track` item, with problems named from the body.
   */
  trackPayload(req: FastifyRequest, payload: Record<string, unknown>): Promise<TrackOutcome> {
    return this.checkAndHandle(req, { type: 'track', payload }, []);
  }

  /** One item of one request; `payloadAt` is where the payload is in the request's body. */
  private async checkAndHandle(req: FastifyRequest, item: TrackItem, payloadAt: string[]): Promise<TrackOutcome> {
    const problem = checkTrackItem(item);
    if (problem) throw ApiError.badRequest('Invalid request', [{ path: [...payloadAt, ...problem.path.slice(1)], message: problem.message }]);
    return this.handle(requestContext(req), item, firstHeader(req, 'idempotency-key'));
  }

  /**
   * Every item is checked first; then the profile and group work of the items, in their
   * order; then all their events in one durable write. A refused item is listed and leaves
   * nothing behind; a store that fails answers 503 before any event is written, so the retry
   * it asks for stores nothing twice.
   */
  async batch(req: FastifyRequest, items: unknown[]): Promise<BatchAnswer> {
    const ctx = requestContext(req);
    const rejected: BatchAnswer['rejected'] = [];
    const reject = (index: number, problem: Problem) => rejected.push({ index, error: describeProblem(problem) });
    const valid: { index: number; item: TrackItem }[] = [];
    items.forEach((raw, index) => {
      const validate = (raw !== null && typeof raw === 'object' && this.validateByType.get((raw as { type?: unknown }).type)) || this.validateItem;
      if (!validate(raw)) {
        rejected.push({ index, error: describe(validate.errors ?? []) });
        return;
      }
      const problem = checkTrackItem(raw as TrackItem);
      if (problem) reject(index, problem);
      else valid.push({ index, item: raw as TrackItem });
    });
    let accepted = 0;
    const events: { index: number; event: IncomingEvent }[] = [];
    for (const { index, item } of valid) {
      try {
        if (item.type !== 'track') {
          await this.handle(ctx, item);
          accepted++;
          continue;
        }
        const event = this.toEvent(ctx, item.payload);
        const identified = this.identifyFirst(ctx, item, event);
        if (identified) await identified;
        events.push({ index, event });
      } catch (error) {
        if (!(error instanceof ApiError) || error.kind === 'unavailable') throw error;
        rejected.push({ index, error: error.message });
      }
    }
    if (events.length > 0) {
      // One call for all events: one durable write for the batch. A refusal (503) fails the
      // request as a whole, so the client retries it; ids make the retry harmless.
      const outcomes = await this.ingest.ingestEvents(ctx.source, events.map((e) => e.event));
      outcomes.forEach((o, i) => {
        if (o.status === 'bot') rejected.push({ index: events[i].index, error: `Bot traffic is not counted (${o.bot.name})` });
        else accepted++;
      });
    }
    if (rejected.length > 0) this.ingest.countRejected(ctx.source, rejected.length);
    rejected.sort((a, b) => a.index - b.index);
    return { accepted, rejected };
  }

  /**
   * The `__identify` of a track item, applied before its event is written; none for a bot's
   * event, which is not counted. Most events have none: they wait on nothing here.
   */
  private identifyFirst(ctx: RequestContext, item: TrackItem, event: IncomingEvent): Promise<void> | undefined {
    const identify = identifyOnTrack(item.payload);
    return identify && !this.ingest.botOf(ctx.source, event) ? this.ingest.identify(ctx.source, identify) : undefined;
  }

  private toEvent(ctx: RequestContext, payload: Record<string, unknown>, idempotencyKey?: string): IncomingEvent {
    return {
      id: idempotencyKey,
      name: payload.name as string,
      projectId: ctx.source.projectId,
      profileId: idText(payload.profileId),
      receivedAt: ctx.receivedAt,
      properties: (payload.properties as Record<string, unknown> | undefined) ?? {},
      groups: (payload.groups as string[] | undefined) ?? [],
      context: { ip: ctx.ip, userAgent: ctx.userAgent, sdkName: ctx.sdkName, sdkVersion: ctx.sdkVersion, origin: ctx.origin },
    };
  }

  private async handle(ctx: RequestContext, item: TrackItem, idempotencyKey?: string): Promise<TrackOutcome> {
    const p = item.payload;
    const { source } = ctx;
    if (item.type === 'track') {
      const event = this.toEvent(ctx, p, idempotencyKey);
      const identified = this.identifyFirst(ctx, item, event);
      if (identified) await identified;
      const [outcome] = await this.ingest.ingestEvents(source, [event]);
      if (outcome.status === 'bot') return { kind: 'bot', bot: outcome.bot };
      return { kind: 'ok', answer: { deviceId: outcome.deviceId, sessionId: outcome.sessionId } };
    }
    const deviceId = await this.ingest.deviceIdFor(source, ctx.ip, ctx.userAgent);
    switch (item.type) {
      case 'identify':
        await this.ingest.identify(source, identifyOf(p));
        break;
      case 'increment':
      case 'decrement': {
        const value = (p.value as number | undefined) ?? 1;
        await this.ingest.increment(source, String(p.profileId), p.property as string, item.type === 'increment' ? value : -value);
        break;
      }
      case 'alias':
        await this.ingest.alias(source, String(p.profileId), p.alias as string);
        break;
      case 'group':
        await this.ingest.upsertGroup(source, groupOf(p));
        break;
      case 'assign_group': {
        const profileId = idText(p.profileId);
        await this.ingest.assignGroups(source, profileId ?? deviceId, p.groupIds as string[], profileId !== undefined);
        break;
      }
    }
    return { kind: 'ok', answer: { deviceId, sessionId: '' } };
  }
}

function describe(errors: ErrorObject[]): string {
  const e = errors[0];
  if (!e) return 'Invalid item';
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'item';
  return `${where} ${e.message ?? 'is invalid'}`;
}

