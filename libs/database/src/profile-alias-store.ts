import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProfileAliasEntity } from './entities';

/**
 * The one reader and writer of `profile_aliases`: another id that stands for a profile.
 * Ingestion resolves an event's id to the profile it stands for (through its own cache);
 * export looks both ways, uncached, so a read always sees the latest alias.
 */
@Injectable()
export class ProfileAliasStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Makes `alias` stand for `profileId` from now on (a later alias of the same id wins). */
  async set(projectId: string, alias: string, profileId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO profile_aliases (project_id, alias, profile_id) VALUES ($1, $2, $3)
       ON CONFLICT (project_id, alias) DO UPDATE SET profile_id = EXCLUDED.profile_id`,
      [projectId, alias, profileId],
    );
  }

  /**
   * alias → profile id, for those of `ids` that are aliases. Ingestion asks this for the new
   * ids of every batch, so it is one plain statement, not a built query.
   */
  async targetsOf(projectId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: { alias: string; profile_id: string }[] = await this.dataSource.query(
      `SELECT alias, profile_id FROM profile_aliases WHERE project_id = $1 AND alias = ANY($2::varchar[])`,
      [projectId, ids],
    );
    return new Map(rows.map((r) => [r.alias, r.profile_id]));
  }

  /**
   * A profile's id followed by its aliases (in order, at most `max`): every id its events and
   * sessions may be stored under, since events sent under an alias before it was made keep it.
   */
  async idsOf(projectId: string, profileId: string, max: number): Promise<string[]> {
    const aliases = await this.aliasesOf(projectId, profileId, max);
    return [profileId, ...aliases.filter((a) => a !== profileId)];
  }

  /** The aliases of a profile, in order, at most `max`. */
  async aliasesOf(projectId: string, profileId: string, max: number): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(ProfileAliasEntity)
      .find({ select: { alias: true }, where: { projectId, profileId }, order: { alias: 'ASC' }, take: max });
    return rows.map((r) => r.alias);
  }
}
