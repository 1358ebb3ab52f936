import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RouteSchema } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ErrorResponseDto } from '@app/common';
import { AuthScopeOf, ClientModes, RateLimit } from '../auth';
import { TRACK_BODY_SCHEMA } from './track.schema';
import { type TrackBody, TrackService } from './track.service';

@ApiTags('Track')
@AuthScopeOf('ingest')
@RateLimit('track')
@ClientModes('write', 'root')
@Controller('track')
export class TrackController {
  constructor(private readonly track: TrackService) {}

  @Post()
  @HttpCode(200)
  @RouteSchema({ body: TRACK_BODY_SCHEMA })
  @ApiOperation({ operationId: 'trackEvent', summary: 'Track an event', description: 'Answers 200 once the event is stored.' })
  @ApiBody({ schema: TRACK_BODY_SCHEMA as object })
  @ApiResponse({ status: 200, description: 'Stored' })
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  async trackEvent(@Req() req: FastifyRequest, @Body() body: TrackBody): Promise<{ deviceId: string; sessionId: string }> {
    return this.track.handle(req, body);
  }
}
