import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RouteConfig, RouteSchema } from '@nestjs/platform-fastify';
import { AuthScopeOf, BROWSER_CORS, ClientModes, IngestContext } from '../../auth';
import { INGEST_CHANNEL } from '../../pipeline';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import { BotResponseDto } from '../dto/track.response.dto';
import { BODY_TOO_LARGE, badBody, INGEST_SATURATED, TOO_MANY_INGEST } from '../ingest-errors';
import { IdempotencyKey } from '../idempotency-key.decorator';
import { TrackService } from '../track.service';
import { ApiLegacyAccepted, LEGACY_NOTE } from './legacy-openapi';
import { EVENT_BODY_SCHEMA, EVENT_EXAMPLES } from './legacy.schema';
import { legacyAnswer } from './legacy-answer';

@ApiTags('Track')
@AuthScopeOf('ingest')
@ClientModes('write', 'root')
@Controller('event')
export class EventController {
  constructor(private readonly track: TrackService) {}

  @Post()
  @HttpCode(202)
  @RouteSchema({ body: EVENT_BODY_SCHEMA })
  @RouteConfig({ [BROWSER_CORS]: true, [INGEST_CHANNEL]: 'openpanel' })
  @ApiOperation({
    operationId: 'legacyTrackEvent',
    summary: 'Track an event (legacy)',
    deprecated: true,
    description: `OpenPanel's deprecated track; use POST /track with \`type: track\`. The event takes the same path as a /track event: the body's \`timestamp\` is not used (the event time is the arrival time, or \`properties.__timestamp\`), and the same special properties apply. Instead of OpenPanel's 100 ms lock on identical requests (answered 200 \`Duplicate event\`), a retry counts once when it carries the same \`idempotency-key\` header or \`properties.__id\`. Answers once the event is durably stored. ${LEGACY_NOTE}`,
  })
  @ApiHeader({ name: 'idempotency-key', required: false, description: 'A retried request with the same key is not counted twice' })
  @ApiBody({ schema: EVENT_BODY_SCHEMA, examples: EVENT_EXAMPLES })
  @ApiLegacyAccepted('Stored; the body is `ok` as text', 'ok')
  @ApiErrors(badBody('name'), BODY_TOO_LARGE, TOO_MANY_INGEST, INGEST_SATURATED)
  async legacyTrackEvent(
    @IngestContext() ctx: IngestContext,
    @Body() body: Record<string, unknown>,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<string | BotResponseDto> {
    // The body is a track payload: its problems are named from the body.
    const outcome = await this.track.track(ctx, { type: 'track', payload: body }, idempotencyKey, []);
    return legacyAnswer(outcome.kind === 'bot' ? outcome : { kind: 'ok', text: 'ok' });
  }
}
