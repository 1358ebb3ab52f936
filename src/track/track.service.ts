import { Injectable } from '@nestjs/common';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@app/common';
import type { IncomingEvent } from '@app/ingest';
import { firstHeader } from '../auth';
import { type IngestSource, IngestService, type ProfileUpdate } from '../ingest';
import { TRACK_ITEM_SCHEMA, TRACK_TYPES, trackItemSchemaOf, type TrackType } from './track.schema';

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

/** What every item of one request shares: who sent it, from where, when. */
interface RequestContext {
  source: IngestSource;
  receivedAt: Date;
  ip: string;
  userAgent: string;
  sdkName?: string;
  sdkVersion?: string;
  origin?: string;
}

const idText = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
const textOf = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * `__identify` on a track event with a profileId: `true` makes sure the profile exists, an
 * object (`firstName`, `lastName`, `email`, `avatar`, `properties`) also updates it.
 */
function identifyOnTrack(payload: Record<string, unknown>): ProfileUpdate | undefined {
  const profileId = idText(payload.profileId);
  const flag = (payload.properties as Record<string, unknown> | undefined)?.__identify;
  if (!profileId || !flag) return undefined;
  if (typeof flag !== 'object' || Array.isArray(flag)) return { profileId };
  const f = flag as Record<string, unknown>;
  const properties = f.properties && typeof f.properties === 'object' && !Array.isArray(f.properties) ? (f.properties as Record<string, unknown>) : undefined;
  return { profileId, firstName: textOf(f.firstName), lastName: textOf(f.lastName), email: textOf(f.email), avatar: textOf(f.avatar), properties };
}

/** Properties nest at most this deep; deeper is refused rather than silently cut. */
export const MAX_PROPERTY_DEPTH = 32;

function nestsDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (max === 0) return true;
  for (const v of Object.values(value)) if (nestsDeeperThan(v, max - 1)) return true;
  return false;
}

function checkDepth(payload: Record<string, unknown>): string | undefined {
  return nestsDeeperThan(payload.properties, MAX_PROPERTY_DEPTH) ? `properties nest deeper than ${MAX_PROPERTY_DEPTH} levels` : undefined;
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

  async track(req: FastifyRequest, item: TrackItem): Promise<TrackOutcome> {
    const tooDeep = checkDepth(item.payload);
    if (tooDeep) throw ApiError.badRequest('Properties nest too deeply', [{ path: ['payload', 'properties'], message: tooDeep }]);
    const ctx = this.context(req);
    return this.handle(ctx, item, firstHeader(req, 'idempotency-key'));
  }

  async batch(req: FastifyRequest, items: unknown[]): Promise<BatchAnswer> {
    const ctx = this.context(req);
    const rejected: BatchAnswer['rejected'] = [];
    const events: { index: number; event: IncomingEvent }[] = [];
    const others: { index: number; item: TrackItem }[] = [];
    items.forEach((raw, index) => {
      const validate = (raw !== null && typeof raw === 'object' && this.validateByType.get((raw as { type?: unknown }).type)) || this.validateItem;
      if (!validate(raw)) {
        rejected.push({ index, error: describe(validate.errors ?? []) });
        return;
      }
      const item = raw as TrackItem;
      const tooDeep = checkDepth(item.payload);
      if (tooDeep) {
        rejected.push({ index, error: tooDeep });
        return;
      }
      if (item.type === 'track') events.push({ index, event: this.toEvent(ctx, item.payload) });
      else others.push({ index, item });
    });
    let accepted = 0;
    if (events.length > 0) {
      // One call for all events: one durable write for the batch. A refusal (503) fails the
      // request as a whole, so the client retries it; ids make the retry harmless.
      const outcomes = await this.ingest.ingestEvents(ctx.source, events.map((e) => e.event));
      const identifies: ProfileUpdate[] = [];
      outcomes.forEach((o, i) => {
        if (o.status === 'bot') {
          rejected.push({ index: events[i].index, error: `Bot traffic is not counted (${o.bot.name})` });
          return;
        }
        accepted++;
        const identify = identifyOnTrack((items[events[i].index] as TrackItem).payload);
        if (identify) identifies.push(identify);
      });
      for (const identify of identifies) await this.ingest.identify(ctx.source, identify);
    }
    for (const { index, item } of others) {
      try {
        await this.handle(ctx, item);
        accepted++;
      } catch (error) {
        if (!(error instanceof ApiError) || error.kind === 'unavailable') throw error;
        rejected.push({ index, error: error.message });
      }
    }
    rejected.sort((a, b) => a.index - b.index);
    return { accepted, rejected };
  }

  private context(req: FastifyRequest): RequestContext {
    const auth = req.auth!;
    return {
      source: { projectId: auth.client.projectId!, trusted: auth.withSecret },
      receivedAt: new Date(),
      ip: auth.ip,
      userAgent: firstHeader(req, 'user-agent') ?? '',
      sdkName: firstHeader(req, 'openpanel-sdk-name'),
      sdkVersion: firstHeader(req, 'openpanel-sdk-version'),
      origin: firstHeader(req, 'origin'),
    };
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
      const [outcome] = await this.ingest.ingestEvents(source, [this.toEvent(ctx, p, idempotencyKey)]);
      if (outcome.status === 'bot') return { kind: 'bot', bot: outcome.bot };
      const identify = identifyOnTrack(p);
      if (identify) await this.ingest.identify(source, identify);
      return { kind: 'ok', answer: { deviceId: outcome.deviceId, sessionId: outcome.sessionId } };
    }
    const deviceId = await this.ingest.deviceIdFor(source, ctx.ip, ctx.userAgent);
    switch (item.type) {
      case 'identify':
        await this.ingest.identify(source, {
          profileId: String(p.profileId),
          firstName: p.firstName as string | undefined,
          lastName: p.lastName as string | undefined,
          email: p.email as string | undefined,
          avatar: p.avatar as string | undefined,
          properties: p.properties as Record<string, unknown> | undefined,
        });
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
        await this.ingest.upsertGroup(source, {
          id: p.id as string,
          type: p.type as string,
          name: p.name as string,
          properties: p.properties as Record<string, unknown> | undefined,
        });
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

