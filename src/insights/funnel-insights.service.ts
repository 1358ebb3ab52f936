import { Injectable } from '@nestjs/common';
import {
  buildFunnelSql,
  type FunnelAnswer,
  funnelAnswer,
  type FunnelLevelRow,
  type FunnelQuery,
  type InsightScope,
  regexCandidates,
} from '@app/analytics';
import { EngineQueryService } from '../export/engine-query.service';

/** The funnel route: one parameterised statement of @app/analytics, figures computed from its levels. */
@Injectable()
export class FunnelInsightsService {
  constructor(private readonly engine: EngineQueryService) {}

  async funnel(scope: InsightScope, q: FunnelQuery): Promise<FunnelAnswer> {
    const regexes = [
      ...regexCandidates(scope.filters, ['filters']),
      ...q.steps.flatMap((s, i) => regexCandidates(s.filters, ['steps', i, 'filters'])),
    ];
    const rows = await this.engine.rows<FunnelLevelRow>('insights', buildFunnelSql(this.engine.database, scope, q), regexes);
    return funnelAnswer(
      q.steps.map((s) => s.name),
      rows,
    );
  }
}
