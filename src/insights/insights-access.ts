import { applyDecorators, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthScopeOf, ClientModes, RateLimit } from '../auth';

/**
 * What every insights controller shares: under `/insights/:projectId`, read and root clients
 * (refused in the export API's words, as OpenPanel does), 100 requests per 10 s per client.
 */
export function InsightsController() {
  return applyDecorators(
    ApiTags('Insights'),
    AuthScopeOf('export'),
    RateLimit('insights'),
    ClientModes('read', 'root'),
    Controller('insights/:projectId'),
  );
}
