import { Injectable } from '@nestjs/common';
import { apiErrorFromEngine, type RegexCandidate, type SqlStatement } from '@app/analytics';
import { ClickhouseService } from '@app/clickhouse';

/** What a statement is for: the `query` label of its duration in the metrics. */
export type QueryName = 'chart' | 'events_page' | 'events_count' | 'events_stream' | 'insights';

/** Told how long each statement took on the engine (src/metrics wires one). */
export interface QueryObserver {
  queried(name: QueryName, seconds: number, failed: boolean): void;
}

/**
 * Runs the statements of @app/analytics. Every failure the request itself caused (an RE2
 * pattern the engine refuses, a query past its row, time or memory caps) becomes a 400 the
 * client can act on; anything else is left to the global filter as a 500.
 */
@Injectable()
export class EngineQueryService {
  private observer: QueryObserver | undefined;

  constructor(private readonly clickhouse: ClickhouseService) {}

  get database(): string {
    return this.clickhouse.database;
  }

  /** Reports each statement's duration to `observer` from now on. */
  observe(observer: QueryObserver): void {
    this.observer = observer;
  }

  rows<T>(name: QueryName, statement: SqlStatement, regexes: RegexCandidate[] = []): Promise<T[]> {
    return this.run(name, statement, regexes, (result) => result.json<T>() as Promise<T[]>);
  }

  /** The result as JSONEachRow text, one row per line, for callers that pass rows on unparsed. */
  text(name: QueryName, statement: SqlStatement, regexes: RegexCandidate[] = []): Promise<string> {
    return this.run(name, statement, regexes, (result) => result.text());
  }

  /** The time counted is the engine's answer read in full, as the caller gets it. */
  private async run<R>(
    name: QueryName,
    statement: SqlStatement,
    regexes: RegexCandidate[],
    read: (result: QueryResult) => Promise<R>,
  ): Promise<R> {
    const started = performance.now();
    let failed = true;
    try {
      const result = await this.clickhouse.client.query({ query: statement.sql, query_params: statement.params, format: 'JSONEachRow' });
      const answer = await read(result);
      failed = false;
      return answer;
    } catch (e) {
      throw apiErrorFromEngine(e, regexes) ?? e;
    } finally {
      this.observer?.queried(name, (performance.now() - started) / 1000, failed);
    }
  }
}

type QueryResult = Awaited<ReturnType<ClickhouseService['client']['query']>>;
