import { applyDecorators, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IngestContext } from '../../auth';
import { TOO_MANY_REQUESTS_HEADERS } from '../../openapi/api-errors.decorator';
import { SEGMENT_WRITE_KEY_SCHEME } from '../../openapi/security-schemes';
import { CaptureAuth, CaptureRoute, Captured } from '../capture-route.decorator';
import { trackingApiErrorFormat } from '../tracking-api-error.format';
import { SEGMENT_BATCH_LIMIT, SEGMENT_SINGLE_LIMIT, SegmentRequestDecoder } from './segment-request.decoder';
import { MAX_BATCH_ITEMS } from './segment-messages';
import { SegmentService } from './segment.service';

type Answer = { success: true };
const OK: Answer = { success: true };

const ERROR_SCHEMA = { type: 'object', properties: { success: { type: 'boolean', enum: [false] }, message: { type: 'string' } } };

/** One request example per route; the write key comes from the Authorize dialog (Basic). */
const EXAMPLES = {
  track: { userId: 'user-42', event: 'Order Completed', properties: { orderId: 'ord_1001', revenue: 49, currency: 'EUR' } },
  identify: { userId: 'user-42', traits: { email: 'ada@example.com', firstName: 'Ada', plan: 'pro' } },
  page: {
    anonymousId: 'anon-7f3c',
    name: 'Pricing',
    properties: { url: 'https://example.com/pricing', title: 'Pricing', referrer: 'https://www.google.com/' },
  },
  screen: { userId: 'user-42', name: 'Home', context: { app: { name: 'Example', version: '2.1.0' } } },
  group: { userId: 'user-42', groupId: 'acme', traits: { name: 'Acme Inc', plan: 'enterprise' } },
  alias: { previousId: 'anon-7f3c', userId: 'user-42' },
  batch: {
    batch: [
      { type: 'identify', userId: 'user-42', traits: { email: 'ada@example.com' } },
      { type: 'track', userId: 'user-42', event: 'Order Completed', properties: { revenue: 49 } },
    ],
  },
} satisfies Record<string, object>;

/**
 * `bodyLimit`: the route's cap on its body, which the decoder reads (SegmentRequestDecoder) and
 * the description states, with the batch's cap on its items when there is one.
 */
function Call(
  operationId: string,
  summary: string,
  fields: Record<string, object>,
  example: object,
  bodyLimit = SEGMENT_SINGLE_LIMIT,
  maxItems?: number,
) {
  const limit = `${bodyLimit / 1024} KB${maxItems ? ` and ${maxItems} items` : ''}`;
  return applyDecorators(
    CaptureRoute(trackingApiErrorFormat, 'segment', bodyLimit),
    ApiOperation({
      operationId,
      summary,
      description: `Segment HTTP Tracking API (RudderStack senders too). At most ${limit}. Answers \`{ "success": true }\` for anything it can read; a message without \`userId\` or \`anonymousId\` is dropped.`,
    }),
    ApiBody({
      schema: {
        type: 'object',
        properties: {
          userId: { type: 'string' },
          anonymousId: { type: 'string' },
          messageId: { type: 'string', description: 'A retried message with the same id is counted once' },
          timestamp: { type: 'string', format: 'date-time' },
          context: { type: 'object', additionalProperties: true },
          writeKey: { type: 'string', description: 'When not sent as the Basic user name' },
          ...fields,
        },
      },
      examples: { [operationId]: { summary, value: example } },
    }),
    ApiResponse({
      status: 200,
      description: 'Accepted',
      schema: { type: 'object', properties: { success: { type: 'boolean', enum: [true] } } },
    }),
    ApiResponse({ status: 400, description: 'Invalid JSON, or body too large', schema: ERROR_SCHEMA }),
    ApiResponse({ status: 401, description: 'Missing or unknown write key', schema: ERROR_SCHEMA }),
    ApiResponse({
      status: 429,
      description: 'Too many requests for this write key; retry after `Retry-After` seconds',
      schema: ERROR_SCHEMA,
      headers: TOO_MANY_REQUESTS_HEADERS,
    }),
  );
}

const OBJECT = { type: 'object', additionalProperties: true };

@ApiTags('Capture: Segment')
@CaptureAuth(SegmentRequestDecoder, SEGMENT_WRITE_KEY_SCHEME)
@Controller('v1')
export class SegmentController {
  constructor(private readonly segment: SegmentService) {}

  @Post('track')
  @HttpCode(200)
  @Call('segmentTrack', 'Track an event', { event: { type: 'string' }, properties: OBJECT }, EXAMPLES.track)
  async track(@IngestContext() ctx: IngestContext, @Captured() body: unknown): Promise<Answer> {
    await this.segment.handle(ctx, 'track', body);
    return OK;
  }

  @Post('identify')
  @HttpCode(200)
  @Call('segmentIdentify', 'Identify a user: traits onto the profile', { traits: OBJECT }, EXAMPLES.identify)
  async identify(@IngestContext() ctx: IngestContext, @Captured() body: unknown): Promise<Answer> {
    await this.segment.handle(ctx, 'identify', body);
    return OK;
  }

  @Post('page')
  @HttpCode(200)
  @Call('segmentPage', 'A page view (stored as `screen_view`)', { name: { type: 'string' }, properties: OBJECT }, EXAMPLES.page)
  async page(@IngestContext() ctx: IngestContext, @Captured() body: unknown): Promise<Answer> {
    await this.segment.handle(ctx, 'page', body);
    return OK;
  }

  @Post('screen')
  @HttpCode(200)
  @Call('segmentScreen', 'A screen view (stored as `screen_view`)', { name: { type: 'string' }, properties: OBJECT }, EXAMPLES.screen)
  async screen(@IngestContext() ctx: IngestContext, @Captured() body: unknown): Promise<Answer> {
    await this.segment.handle(ctx, 'screen', body);
    return OK;
  }

  @Post('group')
  @HttpCode(200)
  @Call('segmentGroup', "Put a user in a group, with the group's traits", { groupId: { type: 'string' }, traits: OBJECT }, EXAMPLES.group)
  async group(@IngestContext() ctx: IngestContext, @Captured() body: unknown): Promise<Answer> {
    await this.segment.handle(ctx, 'group', body);
    return OK;
  }

  @Post('alias')
  @HttpCode(200)
  @Call(
    'segmentAlias',
    'Another id of a user: later events of `previousId` are attributed to `userId`',
    { previousId: { type: 'string' } },
    EXAMPLES.alias,
  )
  async alias(@IngestContext() ctx: IngestContext, @Captured() body: unknown): Promise<Answer> {
    await this.segment.handle(ctx, 'alias', body);
    return OK;
  }

  @Post('batch')
  @HttpCode(200)
  @Call(
    'segmentBatch',
    'Several calls in one request',
    { batch: { type: 'array', maxItems: MAX_BATCH_ITEMS, items: OBJECT }, sentAt: { type: 'string', format: 'date-time' } },
    EXAMPLES.batch,
    SEGMENT_BATCH_LIMIT,
    MAX_BATCH_ITEMS,
  )
  async batch(@IngestContext() ctx: IngestContext, @Captured() body: unknown): Promise<Answer> {
    await this.segment.handle(ctx, 'batch', body);
    return OK;
  }
}
