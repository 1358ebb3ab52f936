import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IngestContext } from '../../auth';
import { TOO_MANY_REQUESTS_HEADERS } from '../../openapi/api-errors.decorator';
import { COMMANDERS_ACT_BEARER_SCHEME, COMMANDERS_ACT_TOKEN_SCHEME } from '../../openapi/security-schemes';
import { CaptureAuth, CaptureRoute, Captured } from '../capture-route.decorator';
import { trackingApiErrorFormat } from '../tracking-api-error.format';
import { CommandersActRequestDecoder } from './commanders-act-request.decoder';
import { CommandersActService } from './commanders-act.service';

const OBJECT = { type: 'object', additionalProperties: true };
const ERROR_SCHEMA = { type: 'object', properties: { success: { type: 'boolean', enum: [false] }, message: { type: 'string' } } };

@ApiTags('Capture: Commanders Act')
@CaptureAuth(CommandersActRequestDecoder, COMMANDERS_ACT_TOKEN_SCHEME, COMMANDERS_ACT_BEARER_SCHEME)
@Controller('events')
export class CommandersActController {
  constructor(private readonly commandersAct: CommandersActService) {}

  @Post()
  @HttpCode(200)
  @CaptureRoute(trackingApiErrorFormat, 'commanders_act')
  @ApiOperation({
    operationId: 'commandersActEvent',
    summary: 'Send an event (Commanders Act HTTP Tracking API v2, or v1)',
    description:
      'Content-Type must be application/json; at most 32 KB. Answers 200 to everything it can parse (an event without `event_name` is dropped).',
  })
  @ApiQuery({ name: 'tc_s', required: false, description: 'Site id' })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        event_name: { type: 'string', example: 'purchase' },
        user: {
          type: 'object',
          properties: { id: { type: 'string' }, consistent_anonymous_id: { type: 'string' }, email: { type: 'string' } },
        },
        context: {
          type: 'object',
          properties: {
            event_id: { type: 'string', description: 'A retried event with the same id is counted once' },
            event_timestamp: { type: 'integer', description: 'Epoch milliseconds' },
            page: OBJECT,
            device: OBJECT,
          },
        },
        properties: { ...OBJECT, description: 'v1 only: the event data' },
      },
      additionalProperties: true,
    },
    examples: {
      v2: {
        summary: 'v2: the event data at the root',
        value: {
          event_name: 'purchase',
          id: 'ord_1001',
          revenue: 49.9,
          currency: 'EUR',
          user: { id: 'user-42', email: 'ada@example.com' },
          context: { page: { url: 'https://example.com/checkout', title: 'Checkout' } },
        },
      },
      v1: {
        summary: 'v1: the event data in `properties`',
        value: { event_name: 'page_view', properties: { section: 'pricing' }, page: { url: 'https://example.com/pricing' } },
      },
    },
  })
  @ApiResponse({
    status: 200,
    description: 'Accepted',
    schema: { type: 'object', properties: { success: { type: 'boolean', enum: [true] } } },
  })
  @ApiResponse({ status: 400, description: 'Not JSON, or over 32 KB', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 401, description: 'Missing or unknown source key', schema: ERROR_SCHEMA })
  @ApiResponse({
    status: 429,
    description: 'Too many requests for this source key; retry after `Retry-After` seconds',
    schema: ERROR_SCHEMA,
    headers: TOO_MANY_REQUESTS_HEADERS,
  })
  async event(@IngestContext() ctx: IngestContext, @Captured() body: Record<string, unknown>): Promise<{ success: true }> {
    await this.commandersAct.capture(ctx, body);
    return { success: true };
  }
}
