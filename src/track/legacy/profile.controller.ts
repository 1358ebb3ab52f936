import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RouteConfig, RouteSchema } from '@nestjs/platform-fastify';
import { AuthScopeOf, BROWSER_CORS, ClientModes, IngestContext } from '../../auth';
import { INGEST_CHANNEL } from '../../pipeline';
import { ApiErrors, type ErrorSpec } from '../../openapi/api-errors.decorator';
import { BotResponseDto } from '../dto/track.response.dto';
import { BODY_TOO_LARGE, badBody, INGEST_SATURATED, TOO_MANY_INGEST } from '../ingest-errors';
import { ApiLegacyAccepted, LEGACY_NOTE } from './legacy-openapi';
import { DECREMENT_EXAMPLES, INCREMENT_EXAMPLES, PROFILE_BODY_SCHEMA, PROFILE_CHANGE_SCHEMA, PROFILE_EXAMPLES } from './legacy.schema';
import { LegacyService } from './legacy.service';
import { legacyAnswer } from './legacy-answer';

const NOT_FOUND: ErrorSpec = { status: 404, description: 'No profile with this id in the project', message: 'Profile not found' };
const NOT_NUMBER: ErrorSpec = {
  status: 400,
  description: 'Invalid body, or the property holds something other than a number; `details` names the field',
  message: 'Property value is not a number',
  details: [{ path: ['property'], message: '"credits" does not hold a number' }],
};
const ATOMIC =
  'The change is one atomic UPDATE in PostgreSQL, so concurrent calls never lose one (OpenPanel reads, then writes). A missing property counts as 0; a number held as text is accepted.';

/** OpenPanel's deprecated profile routes (its SDKs now send these through POST /track). */
@ApiTags('Track')
@AuthScopeOf('ingest')
@ClientModes('write', 'root')
@ApiErrors(BODY_TOO_LARGE, TOO_MANY_INGEST, INGEST_SATURATED)
@Controller('profile')
export class ProfileController {
  constructor(private readonly legacy: LegacyService) {}

  @Post()
  @HttpCode(202)
  @RouteSchema({ body: PROFILE_BODY_SCHEMA })
  @RouteConfig({ [BROWSER_CORS]: true, [INGEST_CHANNEL]: 'openpanel' })
  @ApiOperation({
    operationId: 'identifyProfile',
    summary: 'Create or update a profile (legacy)',
    deprecated: true,
    description: `OpenPanel's deprecated identify; use POST /track with \`type: identify\`. The request's place (country code, city, region, longitude, latitude, from the address) and device (os, os_version, browser, browser_version, device, brand, model, from the user agent) are merged over \`properties\`, as OpenPanel does; unknown ones are left out. ${LEGACY_NOTE}`,
  })
  @ApiBody({ schema: PROFILE_BODY_SCHEMA, examples: PROFILE_EXAMPLES })
  @ApiLegacyAccepted('Stored; the body is the profile id as text', 'user-42')
  @ApiErrors(badBody('profileId'))
  async identifyProfile(@IngestContext() ctx: IngestContext, @Body() body: Record<string, unknown>): Promise<string | BotResponseDto> {
    return legacyAnswer(await this.legacy.identify(ctx, body));
  }

  @Post('increment')
  @HttpCode(202)
  @RouteSchema({ body: PROFILE_CHANGE_SCHEMA })
  @RouteConfig({ [BROWSER_CORS]: true, [INGEST_CHANNEL]: 'openpanel' })
  @ApiOperation({
    operationId: 'incrementProfile',
    summary: 'Add to a numeric profile property (legacy)',
    deprecated: true,
    description: `OpenPanel's deprecated increment; use POST /track with \`type: increment\`. ${ATOMIC} ${LEGACY_NOTE}`,
  })
  @ApiBody({ schema: PROFILE_CHANGE_SCHEMA, examples: INCREMENT_EXAMPLES })
  @ApiLegacyAccepted('Changed; the body is the profile id as text', 'user-42')
  @ApiErrors(NOT_NUMBER, NOT_FOUND)
  async incrementProfile(@IngestContext() ctx: IngestContext, @Body() body: Record<string, unknown>): Promise<string | BotResponseDto> {
    return legacyAnswer(await this.legacy.change(ctx, body, 1));
  }

  @Post('decrement')
  @HttpCode(202)
  @RouteSchema({ body: PROFILE_CHANGE_SCHEMA })
  @RouteConfig({ [BROWSER_CORS]: true, [INGEST_CHANNEL]: 'openpanel' })
  @ApiOperation({
    operationId: 'decrementProfile',
    summary: 'Subtract from a numeric profile property (legacy)',
    deprecated: true,
    description: `OpenPanel's deprecated decrement; use POST /track with \`type: decrement\`. ${ATOMIC} ${LEGACY_NOTE}`,
  })
  @ApiBody({ schema: PROFILE_CHANGE_SCHEMA, examples: DECREMENT_EXAMPLES })
  @ApiLegacyAccepted('Changed; the body is the profile id as text', 'user-42')
  @ApiErrors(NOT_NUMBER, NOT_FOUND)
  async decrementProfile(@IngestContext() ctx: IngestContext, @Body() body: Record<string, unknown>): Promise<string | BotResponseDto> {
    return legacyAnswer(await this.legacy.change(ctx, body, -1));
  }
}
