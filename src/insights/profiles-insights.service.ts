import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  buildActiveProfileIdsSql,
  buildMinSessionsProfileIdsSql,
  buildPerformedEventProfileIdsSql,
  buildProfileEventFiguresSql,
  buildProfileRecentEventsSql,
  buildProfileSessionFiguresSql,
  buildProfileSessionListSql,
  buildProfilesLastSeenSql,
  compileProfileFilters,
  invalid,
  type ListPage,
  MAX_ACTIVITY_PROFILE_IDS,
  type ProfileEventFiguresRow,
  type ProfileIdRow,
  type ProfileSessionFiguresRow,
  type SessionRow,
  type SqlStatement,
} from '@app/analytics';
import { ApiError, isPgText, toPgText } from '@app/common';
import { ProfileAliasStore, ProfileEntity, type ProjectEntity } from '@app/database';
import { EngineQueryService } from '../export/engine-query.service';
import { MAX_ALIASES } from '../export/event-query.service';
import { MAX_NAME_TOKENS, PROFILE_PROPERTY_PARAMS, type ProfilesQueryDto } from './dto/profiles-insights.query.dto';
import type {
  InsightProfileDetailDto,
  InsightProfileEventDto,
  InsightProfileMetricsDto,
  InsightProfileRowDto,
} from './dto/profiles-insights.response.dto';

const DAY_MS = 86_400_000;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** `%`, `_` and the escape character itself, made literal for LIKE (whose escape is `\`). */
export function likeLiteral(text: string): string {
  return `%${toPgText(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** An instant the engine printed (`YYYY-MM-DD hh:mm:ss.sss`, UTC) in ISO 8601. */
export const engineIso = (at: string) => `${at.replace(' ', 'T')}Z`;

/** The newest event time (ISO 8601) of each of `profileIds` that has events: one statement for a page of profiles. */
export async function profilesLastSeen(engine: EngineQueryService, projectId: string, profileIds: string[]): Promise<Map<string, string>> {
  if (profileIds.length === 0) return new Map();
  const seen = await engine.rows<{ profile_id: string; last_seen_at: string }>(
    'insights',
    buildProfilesLastSeenSql(engine.database, projectId, profileIds),
  );
  return new Map(seen.map((r) => [r.profile_id, engineIso(r.last_seen_at)]));
}

/**
 * Profiles of the insights API. PostgreSQL, the source of truth, answers which profiles exist
 * and the conditions on their own fields (one query-builder statement, every value bound);
 * ClickHouse answers the conditions on events and sessions, as sets of profile ids the
 * PostgreSQL statement then requires (or, for inactivity, rules out).
 */
@Injectable()
export class ProfilesInsightsService {
  constructor(
    private readonly engine: EngineQueryService,
    private readonly dataSource: DataSource,
    private readonly aliases: ProfileAliasStore,
  ) {}

  /**
   * Most profile ids an activity condition may select (see MAX_ACTIVITY_PROFILE_IDS); more is a
   * 400. A field rather than the constant so a test can lower it on the running app.
   */
  maxActivityIds = MAX_ACTIVITY_PROFILE_IDS;

  async list(project: ProjectEntity, q: ProfilesQueryDto, page: ListPage, now = new Date()): Promise<InsightProfileRowDto[]> {
    const qb = this.dataSource
      .getRepository(ProfileEntity)
      .createQueryBuilder('p')
      .where('p.project_id = :projectId', { projectId: project.id });
    if (q.name !== undefined) {
      const tokens = q.name.split(/\s+/).filter((s) => s !== '');
      if (tokens.length > MAX_NAME_TOKENS) throw invalid(['name'], `At most ${MAX_NAME_TOKENS} words`);
      tokens.forEach((token, i) => {
        const n = `name${i}`;
        qb.andWhere(
          `(p.id ILIKE :${n} ESCAPE '\\' OR COALESCE(p.email, '') ILIKE :${n} ESCAPE '\\' ` +
            `OR COALESCE(p.first_name, '') ILIKE :${n} ESCAPE '\\' OR COALESCE(p.last_name, '') ILIKE :${n} ESCAPE '\\' ` +
            `OR (COALESCE(p.first_name, '') || ' ' || COALESCE(p.last_name, '')) ILIKE :${n} ESCAPE '\\')`,
          { [n]: likeLiteral(token) },
        );
      });
    }
    if (q.email !== undefined) qb.andWhere(`p.email ILIKE :email ESCAPE '\\'`, { email: likeLiteral(q.email) });
    for (const key of PROFILE_PROPERTY_PARAMS) {
      const value = q[key];
      // The key is one of four fixed names, never request text.
      if (value !== undefined) qb.andWhere(`p.properties ->> '${key}' = :${key}`, { [key]: toPgText(value) });
    }
    const filters = compileProfileFilters(q.filters, ['filters']);
    if (filters) qb.andWhere(filters.sql, filters.params);
    const db = this.engine.database;
    const max = this.maxActivityIds;
    const [active, performed, sessioned] = await Promise.all([
      q.inactiveDays === undefined
        ? undefined
        : this.ids(
            buildActiveProfileIdsSql(db, project.id, new Date(now.getTime() - q.inactiveDays * DAY_MS), max),
            'inactiveDays',
            `More than ${max} profiles had an event in the last ${q.inactiveDays} days, more than inactiveDays can rule out: ask for a longer inactivity`,
          ),
      q.performedEvent === undefined
        ? undefined
        : this.ids(
            buildPerformedEventProfileIdsSql(db, project.id, q.performedEvent, max),
            'performedEvent',
            `More than ${max} profiles did this event, more than performedEvent can select`,
          ),
      q.minSessions === undefined
        ? undefined
        : this.ids(
            buildMinSessionsProfileIdsSql(db, project.id, project.timezone ?? 'UTC', q.minSessions, max),
            'minSessions',
            `More than ${max} profiles have at least ${q.minSessions} sessions, more than minSessions can select: ask for more sessions`,
          ),
    ]);
    if (active) qb.andWhere('NOT (p.id = ANY(CAST(:active AS varchar[])))', { active });
    if (performed) qb.andWhere('p.id = ANY(CAST(:performed AS varchar[]))', { performed });
    if (sessioned) qb.andWhere('p.id = ANY(CAST(:sessioned AS varchar[]))', { sessioned });
    const order = q.sortOrder === 'asc' ? 'ASC' : 'DESC';
    const profiles = await qb.orderBy('p.created_at', order).addOrderBy('p.id', order).offset(page.offset).limit(page.limit).getMany();
    return this.rows(project.id, profiles);
  }

  async detail(project: ProjectEntity, profileId: string, eventLimit: number): Promise<InsightProfileDetailDto> {
    const found = await this.find(project.id, profileId);
    if (!found) throw ApiError.notFound('Profile not found');
    const ids = await this.idsOf(project.id, profileId);
    const [[profile], recentEvents] = await Promise.all([
      this.rows(project.id, [found]),
      this.run<InsightProfileEventDto>(buildProfileRecentEventsSql(this.engine.database, project.id, ids, eventLimit)),
    ]);
    return { profile, recentEvents };
  }

  async sessions(project: ProjectEntity, profileId: string, page: ListPage): Promise<SessionRow[]> {
    const ids = await this.idsOf(project.id, profileId);
    return this.run<SessionRow>(buildProfileSessionListSql(this.engine.database, project.id, project.timezone ?? 'UTC', ids, page));
  }

  async metrics(project: ProjectEntity, profileId: string): Promise<InsightProfileMetricsDto> {
    const db = this.engine.database;
    const timezone = project.timezone ?? 'UTC';
    const ids = await this.idsOf(project.id, profileId);
    const [profile, [events], [sessions]] = await Promise.all([
      this.find(project.id, profileId),
      this.run<ProfileEventFiguresRow>(buildProfileEventFiguresSql(db, project.id, timezone, ids)),
      this.run<ProfileSessionFiguresRow>(buildProfileSessionFiguresSql(db, project.id, timezone, ids)),
    ]);
    const count = Number(sessions?.sessions ?? 0);
    const span = count > 1 ? Number(sessions.last_start_ms) - Number(sessions.first_start_ms) : 0;
    return {
      profileId,
      firstSeen: profile ? profile.createdAt.toISOString() : null,
      lastSeen: profile ? (events?.last_event_at ? engineIso(events.last_event_at) : profile.updatedAt.toISOString()) : null,
      sessions: count,
      screenViews: Number(events?.screen_views ?? 0),
      totalEvents: Number(events?.total_events ?? 0),
      conversionEvents: Number(events?.conversion_events ?? 0),
      uniqueDaysActive: Number(events?.unique_days ?? 0),
      avgSessionDurationMin: round2(Number(sessions?.avg_duration_ms ?? 0) / 60_000),
      p90SessionDurationMin: round2(Number(sessions?.p90_duration_ms ?? 0) / 60_000),
      avgEventsPerSession: count > 0 ? round2(Number(sessions.events) / count) : 0,
      avgTimeBetweenSessionsSec: count > 1 ? round2(span / (count - 1) / 1000) : 0,
      bounceRate: count > 0 ? round2((Number(sessions.bounces) * 100) / count) : 0,
      revenue: Number(events?.revenue ?? 0),
    };
  }

  /** The stored profile; an id PostgreSQL could not hold names none. */
  private find(projectId: string, id: string): Promise<ProfileEntity | null> {
    if (!isPgText(id)) return Promise.resolve(null);
    return this.dataSource.getRepository(ProfileEntity).findOne({ where: { projectId, id } });
  }

  /** The answer's rows, `last_seen_at` from the newest event of each (one statement for the page). */
  private async rows(projectId: string, profiles: ProfileEntity[]): Promise<InsightProfileRowDto[]> {
    const lastSeen = await profilesLastSeen(
      this.engine,
      projectId,
      profiles.map((p) => p.id),
    );
    return profiles.map((p) => ({
      id: p.id,
      first_name: p.firstName,
      last_name: p.lastName,
      email: p.email,
      avatar: p.avatar,
      properties: p.properties,
      project_id: p.projectId,
      is_external: p.isExternal,
      created_at: p.createdAt.toISOString(),
      last_seen_at: lastSeen.get(p.id) ?? p.updatedAt.toISOString(),
      groups: p.groups,
    }));
  }

  /**
   * The ids a profile's events and sessions are stored under: its own and, as /export/events
   * reads them, its aliases' (events sent under an alias before it was made keep that id).
   */
  private idsOf(projectId: string, profileId: string): Promise<string[]> {
    if (!isPgText(profileId)) return Promise.resolve([profileId]);
    return this.aliases.idsOf(projectId, profileId, MAX_ALIASES);
  }

  /**
   * Profile ids from the engine that PostgreSQL can hold (others cannot be stored profiles). A
   * set cut at the cap cannot be answered right, so it is a 400 naming `param`.
   */
  private async ids(statement: SqlStatement, param: keyof ProfilesQueryDto, tooMany: string): Promise<string[]> {
    const rows = await this.run<ProfileIdRow>(statement);
    if (rows.length > this.maxActivityIds) throw invalid([param], tooMany);
    return rows.map((r) => r.profile_id).filter(isPgText);
  }

  private run<T>(statement: SqlStatement): Promise<T[]> {
    return this.engine.rows<T>('insights', statement);
  }
}
