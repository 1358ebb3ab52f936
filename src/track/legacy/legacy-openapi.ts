import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { BotResponseDto } from '../dto/track.response.dto';

/** Said on every legacy route: what differs from OpenPanel's answers. */
export const LEGACY_NOTE =
  'Kept for older SDKs and integrations. Same credentials, bot rule and pipeline as POST /track. Errors are JSON in this API’s shape `{ status, error, message, details? }`, not OpenPanel’s plain-text errors.';

/**
 * A legacy route's 202: OpenPanel's plain-text body (`text`, e.g. the profile id), or, for a
 * known bot without a secret, the JSON `{ bot }` of POST /track (nothing is stored then).
 */
export function ApiLegacyAccepted(description: string, example: string) {
  return applyDecorators(
    ApiExtraModels(BotResponseDto),
    ApiResponse({
      status: 202,
      description: `${description}; a known bot without a secret gets \`{ bot }\` as JSON and nothing is stored`,
      content: {
        'text/plain': { schema: { type: 'string' }, example },
        'application/json': { schema: { $ref: getSchemaPath(BotResponseDto) } },
      },
    }),
  );
}
