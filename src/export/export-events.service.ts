import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { buildEventListSql, splitEventPage } from '@app/analytics';
import { isPgText, longerThan } from '@app/common';
import { EventMetaEntity, ProfileAliasStore, ProfileEntity, type ProjectEntity } from '@app/database';
import type { ExportEventsQueryDto } from './dto/export-events.query.dto';
import type { EventMetaInfoDto, EventProfileDto, ExportedEventDto, ExportEventsResponseDto } from './dto/export-events.response.dto';
import { EngineQueryService } from './engine-query.service';
import { EventQueryService } from './event-query.service';

export const DEFAULT_PAGE_SIZE = 50;
/** `event_meta.name` is a varchar(255). */
const META_NAME_LENGTH = 255;

/** A page of events: newest first, ties by id, the total under the page's own predicate. */
@Injectable()
export class ExportEventsService {
  constructor(
    private readonly engine: EngineQueryService,
    private readonly eventQuery: EventQueryService,
    private readonly dataSource: DataSource,
    private readonly aliases: ProfileAliasStore,
  ) {}

  async list(project: ProjectEntity, q: ExportEventsQueryDto): Promise<ExportEventsResponseDto> {
    const { query, regexes } = await this.eventQuery.build(project, q);
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const page = q.page ?? 1;
    const sql = buildEventListSql({ ...query, limit, offset: (page - 1) * limit, cursor: q.cursor }, this.engine.database);
    const [rows, count] = await Promise.all([
      this.engine.rows<ExportedEventDto>('events_page', sql.page, regexes),
      this.engine.rows<{ total: string | number }>('events_count', sql.count, regexes),
    ]);
    const current = q.cursor === undefined ? page : sql.cursorPage;
    const { rows: data, nextCursor } = splitEventPage(rows, limit, current);
    const includes = new Set(q.includes ?? []);
    const [profiles, metas] = await Promise.all([
      includes.has('profile') ? this.profilesOf(project.id, data) : undefined,
      includes.has('meta') ? this.metaOf(project.id, data) : undefined,
    ]);
    if (profiles) for (const e of data) e.profile = e.profileId ? (profiles.get(e.profileId) ?? null) : null;
    if (metas) for (const e of data) e.meta = metas.get(e.name) ?? null;
    const totalCount = Number(count[0]?.total ?? 0);
    return { meta: { count: data.length, totalCount, pages: Math.ceil(totalCount / limit), current, cursor: nextCursor }, data };
  }

  /**
   * The stored profile of each profile id of the page. An event recorded under an alias
   * shows the profile the alias stands for.
   */
  private async profilesOf(projectId: string, events: ExportedEventDto[]): Promise<Map<string, EventProfileDto>> {
    // Ingestion refuses profile ids PostgreSQL cannot hold; rows stored before that rule may have them.
    const ids = [...new Set(events.map((e) => e.profileId).filter((id) => id !== '' && isPgText(id)))];
    const out = new Map<string, EventProfileDto>();
    if (ids.length === 0) return out;
    const target = new Map(ids.map((id) => [id, id]));
    for (const [alias, profileId] of await this.aliases.targetsOf(projectId, ids)) target.set(alias, profileId);
    const profiles = await this.dataSource
      .getRepository(ProfileEntity)
      .find({ where: { projectId, id: In([...new Set([...ids, ...target.values()])]) } });
    const byId = new Map(profiles.map((p) => [p.id, p]));
    for (const [id, profileId] of target) {
      // A stored profile under the id itself wins over an alias of the same text.
      const p = byId.get(id) ?? byId.get(profileId);
      if (p) out.set(id, profileDto(p));
    }
    return out;
  }

  /**
   * The meta of each event name of the page. ClickHouse keeps event names as sent, U+0000
   * included; /manage never lets such a name (nor one over the column's 255 characters) into
   * event_meta, so those simply have none, and are not sent to PostgreSQL, which would refuse them.
   */
  private async metaOf(projectId: string, events: ExportedEventDto[]): Promise<Map<string, EventMetaInfoDto>> {
    const names = [...new Set(events.map((e) => e.name))].filter((name) => isPgText(name) && !longerThan(name, META_NAME_LENGTH));
    if (names.length === 0) return new Map();
    const metas = await this.dataSource.getRepository(EventMetaEntity).find({ where: { projectId, name: In(names) } });
    return new Map(metas.map((m) => [m.name, { name: m.name, description: m.description, conversion: m.conversion }]));
  }
}

function profileDto(p: ProfileEntity): EventProfileDto {
  return {
    id: p.id,
    email: p.email,
    firstName: p.firstName,
    lastName: p.lastName,
    avatar: p.avatar,
    isExternal: p.isExternal,
    properties: p.properties,
    groups: p.groups,
    createdAt: p.createdAt.toISOString(),
  };
}
