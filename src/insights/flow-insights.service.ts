import { Injectable } from '@nestjs/common';
import { buildSankey, buildUserFlowSql, type InsightScope, type UserFlowPathRow, type UserFlowQuery } from '@app/analytics';
import { EngineQueryService } from '../export/engine-query.service';
import type { UserFlowResponseDto } from './dto/flow-insights.response.dto';

/** The user flow: one statement gives the distinct paths and their sessions, the chart is built from them here. */
@Injectable()
export class FlowInsightsService {
  constructor(private readonly engine: EngineQueryService) {}

  async userFlow(scope: InsightScope, q: UserFlowQuery): Promise<UserFlowResponseDto> {
    const rows = await this.engine.rows<UserFlowPathRow>('insights', buildUserFlowSql(this.engine.database, scope, q));
    const { nodes, links } = buildSankey(rows, q.steps);
    return {
      mode: q.mode,
      startEvent: q.startEvent,
      endEvent: q.endEvent ?? null,
      node_count: nodes.length,
      link_count: links.length,
      nodes,
      links,
    };
  }
}
