import { Injectable } from '@nestjs/common';
import { ApiError } from '@app/common';
import { EventEnricher, ProfileChanges } from '../../pipeline';
import { DEVICE_ID_MESSAGES, type DeviceIdResponseDto } from '../dto/device-id.response.dto';
import type { IngestContext } from '../../auth';
import { checkTrackItem, identifyOf } from '../track-checks';
import type { TrackType } from '../track.schema';

export type Bot = { name: string; type: string };

/** A legacy call's answer: the text OpenPanel answers, or the bot that was not counted. */
export type LegacyOutcome = { kind: 'ok'; text: string } | { kind: 'bot'; bot: Bot };

/**
 * OpenPanel's routes for older SDKs (POST /profile, /profile/increment, /profile/decrement,
 * GET /track/device-id) on the /track pipeline: a body is checked as the /track payload of
 * the same kind, a known bot without a secret changes nothing, and the work is the pipeline's.
 */
@Injectable()
export class LegacyService {
  constructor(
    private readonly enricher: EventEnricher,
    private readonly changes: ProfileChanges,
  ) {}

  /** identify, with what the request says of place and device merged over `properties`, as OpenPanel does. */
  async identify(ctx: IngestContext, body: Record<string, unknown>): Promise<LegacyOutcome> {
    const bot = this.admit(ctx, 'identify', body);
    if (bot) return bot;
    const update = identifyOf(body);
    const properties = { ...update.properties, ...this.enricher.requestTraits(ctx.ip, ctx.userAgent, update.properties) };
    await this.changes.identify(ctx.source, { ...update, properties });
    return { kind: 'ok', text: update.profileId };
  }

  /** increment (`sign` 1) or decrement (`sign` -1): one atomic UPDATE (OpenPanel reads, then writes). */
  async change(ctx: IngestContext, body: Record<string, unknown>, sign: 1 | -1): Promise<LegacyOutcome> {
    const bot = this.admit(ctx, sign > 0 ? 'increment' : 'decrement', body);
    if (bot) return bot;
    const profileId = String(body.profileId);
    try {
      await this.changes.increment(ctx.source, profileId, body.property as string, sign * (body.value as number));
    } catch (error) {
      throw error instanceof ApiError ? fromBody(error) : error;
    }
    return { kind: 'ok', text: profileId };
  }

  async deviceId(ctx: IngestContext): Promise<{ kind: 'ok'; answer: DeviceIdResponseDto } | { kind: 'bot'; bot: Bot }> {
    if (!ctx.userAgent) throw ApiError.badRequest('Missing header: user-agent', [{ path: ['headers', 'user-agent'], message: 'Required' }]);
    const bot = this.enricher.botOfAgent(ctx.source, ctx.userAgent);
    if (bot) return { kind: 'bot', bot };
    const found = await this.enricher.deviceSession(ctx.source, ctx.ip, ctx.userAgent, ctx.receivedAt);
    const message =
      found.sessionId === '' ? DEVICE_ID_MESSAGES.none : found.previous ? DEVICE_ID_MESSAGES.previous : DEVICE_ID_MESSAGES.current;
    return { kind: 'ok', answer: { deviceId: found.deviceId, sessionId: found.sessionId, message } };
  }

  /** Checks the body as a /track payload of `type`: the bot of a request that changes nothing, if any. */
  private admit(ctx: IngestContext, type: TrackType, body: Record<string, unknown>): { kind: 'bot'; bot: Bot } | undefined {
    const problem = checkTrackItem({ type, payload: body });
    if (problem) throw ApiError.badRequest('Invalid request', [{ path: problem.path.slice(1), message: problem.message }]);
    const bot = this.enricher.botOfAgent(ctx.source, ctx.userAgent);
    return bot ? { kind: 'bot', bot } : undefined;
  }
}

/** The pipeline names fields as in a /track payload (`payload.property`); these bodies are the payload. */
function fromBody(error: ApiError): ApiError {
  const details = error.details?.map((d) => ({ ...d, path: d.path[0] === 'payload' ? d.path.slice(1) : d.path }));
  return new ApiError(error.kind, error.message, details, error.headers);
}
