import { Injectable } from '@nestjs/common';
import { apiErrorFromEngine, type RegexCandidate, type SqlStatement } from '@app/analytics';
import { ClickhouseService } from '@app/clickhouse';

/**
 * Runs the statements of @app/analytics. Every failure the request itself caused (an RE2
 * pattern the engine refuses, a query past its row, time or memory caps) becomes a 400 the
 * client can act on; anything else is left to the global filter as a 500.
 */
@Injectable()
export class EngineQueryService {
  constructor(private readonly clickhouse: ClickhouseService) {}

  get database(): string {
    return this.clickhouse.database;
  }

  async rows<T>(statement: SqlStatement, regexes: RegexCandidate[] = []): Promise<T[]> {
    try {
      const result = await this.clickhouse.client.query({ query: statement.sql, query_params: statement.params, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (e) {
      throw apiErrorFromEngine(e, regexes) ?? e;
    }
  }

  /** The result as JSONEachRow text, one row per line, for callers that pass rows on unparsed. */
  async text(statement: SqlStatement, regexes: RegexCandidate[] = []): Promise<string> {
    try {
      const result = await this.clickhouse.client.query({ query: statement.sql, query_params: statement.params, format: 'JSONEachRow' });
      return await result.text();
    } catch (e) {
      throw apiErrorFromEngine(e, regexes) ?? e;
    }
  }
}
