import { Controller, Get, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { AuthScopeOf, BROWSER_CORS, ClientModes, IngestContext } from '../../auth';
import { INGEST_CHANNEL } from '../../pipeline';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import { BotResponseDto } from '../dto/track.response.dto';
import { DeviceIdResponseDto } from '../dto/device-id.response.dto';
import { INGEST_SATURATED, TOO_MANY_INGEST } from '../ingest-errors';
import { LEGACY_NOTE } from './legacy-openapi';
import { LegacyService } from './legacy.service';

@ApiTags('Track')
@AuthScopeOf('ingest')
@ClientModes('write', 'root')
@ApiExtraModels(BotResponseDto)
@Controller('track')
export class DeviceIdController {
  constructor(private readonly legacy: LegacyService) {}

  @Get('device-id')
  @RouteConfig({ [BROWSER_CORS]: true, [INGEST_CHANNEL]: 'openpanel' })
  @ApiOperation({
    operationId: 'fetchDeviceId',
    summary: 'The device id and live session of the caller',
    description: `The device id /track gives events from this user agent and address (today's salt, or yesterday's while a session begun before the daily rotation is still live) and that device's live session, if any (\`sessionId\` empty when none). Reads the session store of the node that answers. ${LEGACY_NOTE}`,
  })
  @ApiResponse({ status: 200, description: 'The device and its session', type: DeviceIdResponseDto })
  @ApiResponse({ status: 202, description: 'Known bot and no secret: no device id', type: BotResponseDto })
  @ApiErrors(
    {
      status: 400,
      description: 'No `user-agent` header',
      message: 'Missing header: user-agent',
      details: [{ path: ['headers', 'user-agent'], message: 'Required' }],
    },
    TOO_MANY_INGEST,
    INGEST_SATURATED,
  )
  async fetchDeviceId(
    @IngestContext() ctx: IngestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeviceIdResponseDto | BotResponseDto> {
    const outcome = await this.legacy.deviceId(ctx);
    if (outcome.kind === 'bot') {
      void reply.status(202);
      return { bot: outcome.bot };
    }
    return outcome.answer;
  }
}
