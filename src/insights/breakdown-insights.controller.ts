import { applyDecorators, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { BREAKDOWN_COLUMN_NAMES, BREAKDOWN_COLUMNS, type BreakdownColumn } from '@app/analytics';
import { type AuthContext, CurrentClient, ProjectAccessService } from '../auth';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { InsightProjectParamsDto } from './dto/insight-params.dto';
import { InsightPagedQueryDto, pageOf } from './dto/insight-query.dto';
import { BreakdownRowDto } from './dto/web-insights.response.dto';
import { InsightsController } from './insights-access';
import { DATES_NOTE, SessionFilters } from './web-insights.controller';
import { WebInsightsService } from './web-insights.service';

/**
 * OpenPanel's 18 per-column routes (`/insights/:projectId/referrer` ... `/os_version`), one
 * operation each in the OpenAPI document. They differ only in the column, so the methods are
 * defined in a loop below, with the same decorators a written method would carry.
 */
@InsightsController()
export class BreakdownInsightsController {
  constructor(
    readonly access: ProjectAccessService,
    readonly web: WebInsightsService,
  ) {}

  async breakdown(
    auth: AuthContext,
    params: InsightProjectParamsDto,
    q: InsightPagedQueryDto,
    column: BreakdownColumn,
  ): Promise<BreakdownRowDto[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.web.breakdown(this.web.scope(project, q, '7d', q.filters), column, pageOf(q, 10));
  }
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

for (const column of BREAKDOWN_COLUMN_NAMES) {
  const proto = BreakdownInsightsController.prototype as unknown as Record<string, unknown>;
  const key = `by_${column}`;
  // Defined in an object literal so the function is named after its key: Nest and the
  // OpenAPI explorer look its metadata up by the method's name.
  proto[key] = {
    [key](this: BreakdownInsightsController, auth: AuthContext, params: InsightProjectParamsDto, q: InsightPagedQueryDto) {
      return this.breakdown(auth, params, q, column);
    },
  }[key];
  Reflect.defineMetadata('design:paramtypes', [Object, InsightProjectParamsDto, InsightPagedQueryDto], proto, key);
  Reflect.defineMetadata('design:returntype', Promise, proto, key);
  CurrentClient()(proto, key, 0);
  Param()(proto, key, 1);
  Query()(proto, key, 2);
  const prefix: string | undefined = BREAKDOWN_COLUMNS[column];
  applyDecorators(
    Get(column),
    ApiOperation({
      operationId: `insightsBy${camel(`_${column}`)}`,
      summary: `Sessions by ${column.replace(/_/g, ' ')}`,
      description:
        `Sessions per \`${column}\` (the session's first event's), most first, ties by value; \`name\` is null for sessions ` +
        `without one${prefix ? `, \`prefix\` is the ${prefix}` : ''}; \`pageviews\` are the screen views of those sessions. ` +
        'Default window: the last 7 days; `cursor` (a page number) and `limit` (default 10) are honoured, where OpenPanel ' +
        `ignores them and answers up to 1000 rows. ${DATES_NOTE}`,
    }),
    SessionFilters(),
    ApiResponse({ status: 200, type: [BreakdownRowDto] }),
    ApiErrors(400, [404, 'Project not found']),
  )(proto, key, Object.getOwnPropertyDescriptor(proto, key)!);
}
