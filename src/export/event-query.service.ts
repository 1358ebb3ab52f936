import { Injectable } from '@nestjs/common';
import { type EventListQuery, regexCandidates, type RegexCandidate } from '@app/analytics';
import { ProfileAliasStore, type ProjectEntity } from '@app/database';
import type { ExportEventsQueryDto } from './dto/export-events.query.dto';

/** The predicate of a listing or stream, before paging. */
export type EventQuery = Omit<EventListQuery, 'limit' | 'offset' | 'cursor'>;

/** Aliases looked up per profile; the chart engine caps the id list at 1000 with the profile itself. */
export const MAX_ALIASES = 999;

/**
 * Turns the query string of /export/events into the event-list query of @app/analytics,
 * shared by the paged listing and the stream so both always select the same events.
 */
@Injectable()
export class EventQueryService {
  constructor(private readonly aliases: ProfileAliasStore) {}

  async build(project: ProjectEntity, q: ExportEventsQueryDto): Promise<{ query: EventQuery; regexes: RegexCandidate[] }> {
    const filters = (q.filters ?? []).map((f) => ({ name: f.name, operator: f.operator, value: f.value }));
    const query: EventQuery = {
      projectId: project.id,
      timezone: project.timezone ?? 'UTC',
      events: q.event,
      // A profile's events include those sent under any of its aliases.
      profileIds: q.profileId === undefined ? undefined : await this.aliases.idsOf(project.id, q.profileId, MAX_ALIASES),
      start: q.start ?? q.startDate,
      end: q.end ?? q.endDate,
      range: q.range,
      filters,
    };
    return { query, regexes: regexCandidates(filters, ['filters']) };
  }
}
