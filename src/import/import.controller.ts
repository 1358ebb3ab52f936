import { Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { BODY_LIMIT } from '../app.setup';
import { type AuthContext, AuthScopeOf, ClientModes, CurrentClient, firstHeader, ProjectAccessService, RateLimit } from '../auth';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ImportEventDto } from './dto/import-event.dto';
import { ImportEventsQueryDto } from './dto/import-events.query.dto';
import { ImportEventsResponseDto } from './dto/import-events.response.dto';
import { jsonArrayItems, MAX_IMPORT_ROW_BYTES, ndjsonItems } from './import-body';
import { NDJSON_STREAM, NDJSON_TYPES } from './import-http.setup';
import { ImportService } from './import.service';

/** A JSON array body is parsed whole: past this, send NDJSON, which streams. */
const JSON_ARRAY_LIMIT = 64 * 1024 * 1024;

@ApiTags('Import')
@AuthScopeOf('import')
@RateLimit('import')
@ClientModes('write', 'root')
@Controller('import')
export class ImportController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly imports: ImportService,
  ) {}

  @Post('events')
  @HttpCode(200)
  @RouteConfig({ [NDJSON_STREAM]: true, [BODY_LIMIT]: JSON_ARRAY_LIMIT })
  @ApiOperation({
    operationId: 'importEvents',
    summary: 'Import historical events',
    description:
      'Rows as `/export/events` emits them (camelCase) or as OpenPanel stores them (its ClickHouse columns, snake_case), ' +
      'as NDJSON (`application/x-ndjson`, optionally `Content-Encoding: gzip`; read as it streams, any size, rows up to ' +
      `${MAX_IMPORT_ROW_BYTES / 1024 / 1024} MiB) or a JSON array (up to ${JSON_ARRAY_LIMIT / 1024 / 1024} MiB). ` +
      'Each row is checked on its own: refused rows are listed by their position, the others stored. Ids are kept ' +
      '(a row without one gets an id derived from its content), so importing the same rows again stores nothing twice. ' +
      'Rows keep their time, identity, page, geo, device and properties; geo is filled from `ip` and the device from ' +
      '`userAgent` when the row has none; `importedAt` is set; profiles the rows name are created; visits get their ' +
      'sessions by event time (built shortly after the import); each request is in the audit log (`import.run`). Answers once every accepted row is stored. ' +
      'A write client needs its secret and imports into its own project; a root client names `projectId`. ' +
      'Unlike OpenPanel (where read clients import, root clients get a 500, and rows are stored unchecked, without ' +
      'enrichment, profiles, sessions or deduplication), read clients are refused. The whole body must arrive within ' +
      'REQUEST_TIMEOUT_MS (30 s by default): send a long history in several requests, as `npm run cli -- import` does.',
  })
  @ApiConsumes('application/json', ...NDJSON_TYPES)
  @ApiBody({ type: [ImportEventDto], description: 'A JSON array of rows, or the same rows one per line (NDJSON)' })
  @ApiResponse({ status: 200, type: ImportEventsResponseDto })
  @ApiErrors(
    { status: 400, description: 'The body is not a JSON array or could not be read (rows are checked one by one, see `rejected`)' },
    [404, 'Project not found'],
    { status: 413, description: 'A JSON array body over 64 MiB: send NDJSON' },
    { status: 415, description: 'A media type other than JSON or NDJSON' },
    { status: 503, description: 'A store failed: rows stored before it stay, and a retry does not store them twice' },
  )
  async importEvents(
    @CurrentClient() auth: AuthContext,
    @Query() query: ImportEventsQueryDto,
    @Req() req: FastifyRequest,
  ): Promise<ImportEventsResponseDto> {
    const project = await this.access.readableProject(auth, query.projectId);
    const streamed = req.body === undefined;
    const items = streamed ? ndjsonItems(req.raw, firstHeader(req, 'content-encoding')) : jsonArrayItems(req.body);
    return this.imports.importEvents(auth, project.id, items);
  }
}
