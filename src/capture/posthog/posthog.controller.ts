import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ingestContextOf } from '../../auth';
import { POSTHOG_TOKEN_SCHEME } from '../../openapi/security-schemes';
import { CaptureAuth } from '../capture-route.decorator';
import { PosthogCaptureOperation as Capture } from './posthog.openapi';
import { capturedEnvelope, PosthogRequestDecoder } from './posthog-request.decoder';
import { type PosthogQuery, PosthogService } from './posthog.service';

type Answer = { status: 1 } | undefined;

/**
 * PostHog capture: every path SDKs post to, GET and POST (a GET with a body is read as a
 * POST), with or without a trailing slash. PostHog's legacy `/track` path is left out: it is
 * OpenPanel's. `@HttpCode(200)` stays on each POST handler, where the Swagger plugin sees it.
 */
@ApiTags('Capture: PostHog')
@CaptureAuth(PosthogRequestDecoder, POSTHOG_TOKEN_SCHEME)
@Controller()
export class PosthogController {
  constructor(private readonly posthog: PosthogService) {}

  @Post('e')
  @HttpCode(200)
  @Capture('posthogCaptureE', 'Capture events (`/e`, used by posthog-js)', 'POST')
  postE(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Answer> {
    return this.handle(req, reply);
  }

  @Get('e')
  @Capture('posthogCaptureEGet', 'Capture events (`/e`) by GET', 'GET')
  getE(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Answer> {
    return this.handle(req, reply);
  }

  @Post('i/v0/e')
  @HttpCode(200)
  @Capture('posthogCaptureV0', 'Capture events (`/i/v0/e`)', 'POST')
  postV0(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Answer> {
    return this.handle(req, reply);
  }

  @Get('i/v0/e')
  @Capture('posthogCaptureV0Get', 'Capture events (`/i/v0/e`) by GET', 'GET')
  getV0(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Answer> {
    return this.handle(req, reply);
  }

  @Post('batch')
  @HttpCode(200)
  @Capture('posthogBatch', 'Capture a batch of events (`/batch`, used by server SDKs)', 'POST', 'batch')
  postBatch(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Answer> {
    return this.handle(req, reply);
  }

  @Get('batch')
  @Capture('posthogBatchGet', 'Capture a batch of events (`/batch`) by GET', 'GET')
  getBatch(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Answer> {
    return this.handle(req, reply);
  }

  @Post('capture')
  @HttpCode(200)
  @Capture('posthogCapture', 'Capture one event or several (`/capture`)', 'POST', 'capture')
  postCapture(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Answer> {
    return this.handle(req, reply);
  }

  @Get('capture')
  @Capture('posthogCaptureGet', 'Capture one event or several (`/capture`) by GET', 'GET')
  getCapture(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Answer> {
    return this.handle(req, reply);
  }

  @Post('engage')
  @HttpCode(200)
  @Capture('posthogEngage', 'Update profiles (`/engage`, legacy people API): events without a name are `$identify`', 'POST', 'engage')
  postEngage(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Answer> {
    return this.handle(req, reply, true);
  }

  @Get('engage')
  @Capture('posthogEngageGet', 'Update profiles (`/engage`) by GET', 'GET')
  getEngage(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Answer> {
    return this.handle(req, reply, true);
  }

  /** `engage`: the /engage routes (PostHog's legacy people API). */
  private async handle(req: FastifyRequest, reply: FastifyReply, engage = false): Promise<Answer> {
    const query = (req.query ?? {}) as PosthogQuery & { beacon?: unknown };
    await this.posthog.capture(ingestContextOf(req), capturedEnvelope(req), query, engage);
    const beacon = query.beacon;
    if (beacon === '1' || beacon === 'true') {
      void reply.status(204);
      return undefined;
    }
    return { status: 1 };
  }
}
