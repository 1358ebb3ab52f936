import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth';
import { CaptureRoute } from '../capture-route.decorator';

const NO_FLAGS = { featureFlags: {}, featureFlagPayloads: {}, errorsWhileComputingFlags: false };
const FLAGS_SCHEMA = {
  type: 'object',
  properties: {
    featureFlags: { type: 'object', additionalProperties: true },
    featureFlagPayloads: { type: 'object', additionalProperties: true },
    errorsWhileComputingFlags: { type: 'boolean' },
  },
};

/**
 * Cheap answers to what PostHog SDKs ask besides capture (remote config, feature flags), so
 * posthog-js starts and sends events without errors. This server has no feature flags. No
 * credentials: the answers say nothing about any project; the bodies are never read.
 */
@ApiTags('Capture: PostHog')
@Public()
@Controller()
export class PosthogStubsController {
  @Post('flags')
  @HttpCode(200)
  @CaptureRoute()
  @ApiOperation({
    operationId: 'posthogFlags',
    summary: 'Feature flags (none: this server has no feature flags)',
    description:
      'What PostHog SDKs ask before evaluating flags. Always the same answer, no flags, so the SDK goes on sending events; the body is not read.',
    security: [],
  })
  @ApiResponse({ status: 200, description: 'No flags', schema: { ...FLAGS_SCHEMA, example: NO_FLAGS } })
  flags(): typeof NO_FLAGS {
    return NO_FLAGS;
  }

  @Post('decide')
  @HttpCode(200)
  @CaptureRoute()
  @ApiOperation({
    operationId: 'posthogDecide',
    summary: 'Feature flags, legacy `/decide` (none)',
    description: 'The `/decide` endpoint of older PostHog SDKs: the same answer as `/flags`, no flags; the body is not read.',
    security: [],
  })
  @ApiResponse({ status: 200, description: 'No flags', schema: { ...FLAGS_SCHEMA, example: NO_FLAGS } })
  decide(): typeof NO_FLAGS {
    return NO_FLAGS;
  }

  @Get('array/:token/config')
  @CaptureRoute()
  @ApiOperation({
    operationId: 'posthogRemoteConfig',
    summary: 'Remote config of posthog-js: the compressions this server reads',
    description: 'posthog-js loads it at start; `supportedCompression` makes it gzip its batches. The same answer for every key.',
    security: [],
  })
  @ApiParam({ name: 'token', description: 'Project API key (not checked)' })
  @ApiResponse({
    status: 200,
    description: 'Config',
    schema: { type: 'object', properties: { supportedCompression: { type: 'array', items: { type: 'string' } } } },
  })
  config(): { supportedCompression: string[] } {
    return { supportedCompression: ['gzip', 'gzip-js'] };
  }

  @Get('array/:token/config.js')
  @CaptureRoute()
  @Header('content-type', 'application/javascript; charset=utf-8')
  @ApiOperation({
    operationId: 'posthogRemoteConfigScript',
    summary: 'Remote config script of posthog-js (empty)',
    description:
      'posthog-js may load this script for its remote config and site apps; this server has none to give, so it is empty. The same answer for every key.',
    security: [],
  })
  @ApiParam({ name: 'token', description: 'Project API key (not checked)' })
  @ApiResponse({ status: 200, description: 'An empty script', content: { 'application/javascript': { schema: { type: 'string' } } } })
  configScript(): string {
    return '';
  }
}
