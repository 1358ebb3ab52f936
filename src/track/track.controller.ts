import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RouteConfig, RouteSchema } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { BODY_LIMIT } from '../app.setup';
import { AuthScopeOf, BROWSER_CORS, ClientModes, IngestContext } from '../auth';
import { INGEST_CHANNEL } from '../pipeline';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { BotResponseDto, TrackBatchResponseDto, TrackResponseDto } from './dto/track.response.dto';
import { BODY_TOO_LARGE, badBody, INGEST_SATURATED, TOO_MANY_INGEST } from './ingest-errors';
import { TRACK_BATCH_EXAMPLES, TRACK_BATCH_SCHEMA, TRACK_BODY_SCHEMA, TRACK_EXAMPLES, trackOpenApiBody } from './track.schema';
import { IdempotencyKey } from './idempotency-key.decorator';
import type { TrackItem } from './track-checks';
import { type BatchAnswer, type TrackAnswer, TrackService } from './track.service';

const BATCH_BODY_LIMIT = 10 * 1024 * 1024;

@ApiTags('Track')
@AuthScopeOf('ingest')
@ClientModes('write', 'root')
@ApiExtraModels(TrackResponseDto, BotResponseDto)
@ApiErrors(badBody('payload', 'name'), BODY_TOO_LARGE, TOO_MANY_INGEST, INGEST_SATURATED)
@Controller('track')
export class TrackController {
  constructor(private readonly track: TrackService) {}

  @Post()
  @HttpCode(200)
  @RouteSchema({ body: TRACK_BODY_SCHEMA })
  @RouteConfig({ [BROWSER_CORS]: true, [INGEST_CHANNEL]: 'openpanel' })
  @ApiOperation({
    operationId: 'trackEvent',
    summary: 'Track an event or change a profile',
    description:
      'One of: `track` (an event), `identify` (create or update a profile), `increment` / `decrement` (a numeric profile property, atomically), `alias` (another id of a profile), `group`, `assign_group`. Answers 200 once the event is durably stored. An optional `idempotency-key` header makes a retried event count once.',
  })
  @ApiHeader({ name: 'idempotency-key', required: false, description: 'A retried request with the same key is not counted twice' })
  @ApiBody({ schema: trackOpenApiBody(), examples: TRACK_EXAMPLES })
  @ApiResponse({ status: 200, description: 'Stored', type: TrackResponseDto })
  @ApiResponse({ status: 202, description: 'Known bot and no secret: not counted', type: BotResponseDto })
  @ApiErrors({
    status: 404,
    description: '`Profile not found` (increment or decrement of an unknown profile)',
    message: 'Profile not found',
  })
  async trackEvent(
    @IngestContext() ctx: IngestContext,
    @Body() body: TrackItem,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TrackAnswer | BotResponseDto> {
    const outcome = await this.track.track(ctx, body, idempotencyKey);
    if (outcome.kind === 'bot') {
      void reply.status(202);
      return { bot: outcome.bot };
    }
    return outcome.answer;
  }

  @Post('batch')
  @HttpCode(200)
  @RouteSchema({ body: TRACK_BATCH_SCHEMA })
  @RouteConfig({ [BODY_LIMIT]: BATCH_BODY_LIMIT, [BROWSER_CORS]: true, [INGEST_CHANNEL]: 'openpanel' })
  @ApiOperation({
    operationId: 'trackBatch',
    summary: 'Track up to 2000 items at once',
    description:
      'Each item is a /track body. Items are checked one by one: a bad item is listed in `rejected` and never sinks the others. Answers once every accepted event is durably stored. Events carrying `properties.__id` are counted once however often the batch is retried. Up to 10 MB.',
  })
  @ApiBody({
    schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', maxItems: 2000, items: trackOpenApiBody() } } },
    examples: TRACK_BATCH_EXAMPLES,
  })
  @ApiResponse({ status: 200, description: 'Accepted and rejected items', type: TrackBatchResponseDto })
  async trackBatch(@IngestContext() ctx: IngestContext, @Body() body: { items: unknown[] }): Promise<BatchAnswer> {
    return this.track.batch(ctx, body.items);
  }
}
