import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import { ApiError, pgJson, toClickhouseDateTime, toPgText } from '@app/common';
import { ProfileAliasStore } from '@app/database';
import { flattenProperties, type GroupUpdate, type ProfileUpdate } from '@app/ingest';
import { IngestWriters } from './ingest-writers.service';
import type { ProfileMirrorRow } from './profile-mirror-row';

interface ProfileRow {
  project_id: string;
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  avatar: string | null;
  properties: Record<string, unknown>;
  groups: string[];
  is_external: boolean;
  created_at: Date;
  version: string;
}

const MAX_PATH_DEPTH = 10;

/** A free-text profile field as PostgreSQL stores it (see pg-text.ts). */
const text = (v: string | null | undefined): string | null => (typeof v === 'string' ? toPgText(v) : null);
const NUMERIC_TEXT = '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$';
/** How long a node may go on resolving an alias it cached (another node's erasure or change reaches it after this). */
export const ALIAS_TTL_MS = 60_000;

/**
 * Profiles: PostgreSQL is the truth and every change is one statement that also bumps the
 * row's version; the row it returns is then mirrored into ClickHouse `profiles` through the
 * durable writer, so charts can use `profile.*` and the mirror converges on the highest
 * version.
 */
@Injectable()
export class ProfilesService {
  /** alias → profile id per project (or null: not an alias). Local aliases invalidate it. */
  private readonly aliases = new LRUCache<string, Promise<{ profileId: string | null }>>({ max: 100_000, ttl: ALIAS_TTL_MS });

  constructor(
    private readonly dataSource: DataSource,
    private readonly aliasStore: ProfileAliasStore,
    private readonly writers: IngestWriters,
  ) {}

  /**
   * Upserts a profile. The update was checked (ingest-checks.ts: ids, lengths, depth); its
   * free text is stored by the rule of pg-text.ts: without U+0000, lone surrogates as U+FFFD.
   */
  async identify(projectId: string, update: ProfileUpdate): Promise<void> {
    const given = (v: unknown) => v !== undefined;
    const rows: ProfileRow[] = await this.dataSource.query(
      `INSERT INTO profiles AS p (project_id, id, first_name, last_name, email, avatar, properties, is_external, version)
       VALUES ($1, $2, $3, $4, $5, $6, ($11::jsonb || $7::jsonb) - $12::text[], true, 1)
       ON CONFLICT (project_id, id) DO UPDATE SET
         first_name = CASE WHEN $8 THEN EXCLUDED.first_name ELSE p.first_name END,
         last_name = CASE WHEN $9 THEN EXCLUDED.last_name ELSE p.last_name END,
         email = CASE WHEN $10 THEN EXCLUDED.email ELSE p.email END,
         avatar = CASE WHEN $13 THEN EXCLUDED.avatar ELSE p.avatar END,
         properties = (($11::jsonb || p.properties) || $7::jsonb) - $12::text[],
         is_external = true,
         version = p.version + 1,
         updated_at = now()
       RETURNING *`,
      [
        projectId,
        update.profileId,
        text(update.firstName),
        text(update.lastName),
        text(update.email),
        text(update.avatar),
        pgJson(update.properties ?? {}),
        given(update.firstName),
        given(update.lastName),
        given(update.email),
        pgJson(update.propertiesOnce ?? {}),
        (update.unset ?? []).map(toPgText),
        given(update.avatar),
      ],
    );
    await this.mirror(rows);
  }

  /**
   * Adds `delta` to a numeric property (a dot path) in one UPDATE, so concurrent increments
   * never lose one. A missing property counts as 0; a non-numeric one is refused (400); an
   * unknown profile is 404, as in OpenPanel.
   */
  async increment(projectId: string, profileId: string, property: string, delta: number): Promise<void> {
    const path = property.split('.');
    if (path.length > MAX_PATH_DEPTH || path.some((p) => p === '')) {
      throw ApiError.badRequest('Invalid property path', [
        { path: ['payload', 'property'], message: `a dot path of at most ${MAX_PATH_DEPTH} non-empty keys` },
      ]);
    }
    // Parents are created as empty objects first, since jsonb_set only adds the last key.
    const params: unknown[] = [projectId, profileId, path, delta];
    let expr = 'properties';
    for (let depth = 1; depth < path.length; depth++) {
      params.push(path.slice(0, depth));
      const prefix = `$${params.length}::text[]`;
      expr = `jsonb_set(${expr}, ${prefix}, COALESCE(properties #> ${prefix}, '{}'::jsonb), true)`;
    }
    expr = `jsonb_set(${expr}, $3::text[], to_jsonb(COALESCE((properties #>> $3::text[])::numeric, 0) + $4::numeric), true)`;
    let rows: ProfileRow[];
    try {
      const result: [ProfileRow[], number] | ProfileRow[] = await this.dataSource.query(
        `UPDATE profiles SET properties = ${expr}, version = version + 1, updated_at = now()
          WHERE project_id = $1 AND id = $2
            AND (properties #> $3::text[] IS NULL
                 OR jsonb_typeof(properties #> $3::text[]) = 'number'
                 OR (jsonb_typeof(properties #> $3::text[]) = 'string' AND (properties #>> $3::text[]) ~ '${NUMERIC_TEXT}'))
          RETURNING *`,
        params,
      );
      // The postgres driver answers an UPDATE with [rows, count].
      rows = (Array.isArray(result[0]) ? result[0] : result) as ProfileRow[];
    } catch {
      // A parent of the path is a scalar: there is no number to change there.
      rows = [];
    }
    if (rows.length === 0) {
      const exists: unknown[] = await this.dataSource.query(`SELECT 1 FROM profiles WHERE project_id = $1 AND id = $2`, [
        projectId,
        profileId,
      ]);
      if (exists.length === 0) throw ApiError.notFound('Profile not found');
      throw ApiError.badRequest('Property value is not a number', [
        { path: ['payload', 'property'], message: `"${property}" does not hold a number` },
      ]);
    }
    await this.mirror(rows);
  }

  async alias(projectId: string, profileId: string, alias: string): Promise<void> {
    if (alias === profileId) {
      throw ApiError.badRequest('An id cannot be an alias of itself', [
        { path: ['payload', 'alias'], message: 'must differ from profileId' },
      ]);
    }
    await this.aliasStore.set(projectId, alias, profileId);
    this.aliases.set(`${projectId}\u0000${alias}`, Promise.resolve({ profileId }));
  }

  /**
   * Forgets what this node cached about `ids` of a project: entries for the ids themselves and
   * entries that resolve to one of them (an erased person's aliases then map onto nothing).
   * Other nodes forget within ALIAS_TTL_MS.
   */
  async forget(projectId: string, ids: readonly string[]): Promise<void> {
    const gone = new Set(ids);
    const prefix = `${projectId}\u0000`;
    const entries = [...this.aliases.entries()].filter(([key]) => key.startsWith(prefix));
    await Promise.all(
      entries.map(async ([key, entry]) => {
        const target = await entry.then((e) => e.profileId).catch(() => null);
        if (gone.has(key.slice(prefix.length)) || (target !== null && gone.has(target))) {
          if (this.aliases.get(key) === entry) this.aliases.delete(key);
        }
      }),
    );
  }

  /** What each id of a batch stands for (see `resolve`), with one wait for all of them. */
  async resolveAll(projectId: string, ids: (string | undefined)[]): Promise<Map<string, string>> {
    await this.preload(projectId, ids);
    const unique = [...new Set(ids.filter((id): id is string => !!id))];
    const found = await Promise.all(unique.map((id) => this.aliases.get(`${projectId}\u0000${id}`)));
    return new Map(unique.map((id, i) => [id, found[i]?.profileId ?? id]));
  }

  /** The profile an id stands for: itself, unless it was made an alias of another. */
  async resolve(projectId: string, id: string): Promise<string> {
    const key = `${projectId}\u0000${id}`;
    let hit = this.aliases.get(key);
    if (!hit) {
      await this.preload(projectId, [id]);
      hit = this.aliases.get(key);
    }
    return (await hit)?.profileId ?? id;
  }

  /**
   * Looks up, in one query, the ids of a batch that are not cached yet. Lookups under way are
   * shared, so a burst of events of one new user costs one query, not one per event.
   */
  async preload(projectId: string, ids: (string | undefined)[]): Promise<void> {
    const missing = [...new Set(ids.filter((id): id is string => !!id && !this.aliases.has(`${projectId}\u0000${id}`)))];
    const pending = ids.filter((id): id is string => !!id).map((id) => this.aliases.get(`${projectId}\u0000${id}`));
    if (missing.length > 0) {
      const query = this.aliasStore.targetsOf(projectId, missing);
      for (const id of missing) {
        const key = `${projectId}\u0000${id}`;
        const entry = query.then((found) => ({ profileId: found.get(id) ?? null }));
        entry.catch(() => {
          if (this.aliases.get(key) === entry) this.aliases.delete(key);
        });
        this.aliases.set(key, entry);
      }
      await query;
    }
    await Promise.all(pending);
  }

  /**
   * Creates the profiles named by imported events that do not exist yet (identified, created
   * when first seen), in one statement; existing profiles are left as they are. The new rows
   * are mirrored. Returns how many were created.
   */
  async ensureProfiles(projectId: string, firstSeen: ReadonlyMap<string, Date>): Promise<number> {
    if (firstSeen.size === 0) return 0;
    const rows: ProfileRow[] = await this.dataSource.query(
      `INSERT INTO profiles (project_id, id, is_external, version, created_at)
       SELECT $1, u.id, true, 1, u.seen FROM unnest($2::varchar[], $3::timestamptz[]) AS u(id, seen)
       ON CONFLICT (project_id, id) DO NOTHING
       RETURNING *`,
      [projectId, [...firstSeen.keys()], [...firstSeen.values()].map((d) => d.toISOString())],
    );
    await this.mirror(rows);
    return rows.length;
  }

  async upsertGroup(projectId: string, group: GroupUpdate): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO groups AS g (project_id, id, type, name, properties) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (project_id, id) DO UPDATE SET type = EXCLUDED.type, name = EXCLUDED.name,
         properties = g.properties || EXCLUDED.properties, updated_at = now()`,
      [projectId, group.id, group.type, toPgText(group.name), pgJson(group.properties ?? {})],
    );
  }

  /** Adds groups to a profile (created, as a non-identified profile, when unknown). */
  async assignGroups(projectId: string, profileId: string, groupIds: string[], isExternal: boolean): Promise<void> {
    const rows: ProfileRow[] = await this.dataSource.query(
      `INSERT INTO profiles AS p (project_id, id, groups, is_external, version) VALUES ($1, $2, $3::varchar[], $4, 1)
       ON CONFLICT (project_id, id) DO UPDATE SET
         groups = ARRAY(SELECT DISTINCT g FROM unnest(p.groups || EXCLUDED.groups) AS g ORDER BY g),
         version = p.version + 1, updated_at = now()
       RETURNING *`,
      [projectId, profileId, groupIds, isExternal],
    );
    await this.mirror(rows);
  }

  private async mirror(rows: ProfileRow[]): Promise<void> {
    await this.writers.writeProfiles(
      rows.map((r): ProfileMirrorRow => ({
        id: r.id,
        project_id: r.project_id,
        first_name: r.first_name ?? '',
        last_name: r.last_name ?? '',
        email: r.email ?? '',
        avatar: r.avatar ?? '',
        properties: flattenProperties(r.properties),
        groups: r.groups ?? [],
        is_external: r.is_external,
        created_at: toClickhouseDateTime(new Date(r.created_at)),
        version: Number(r.version),
      })),
    );
  }
}
