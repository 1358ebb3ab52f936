/**
 * One row of the ClickHouse `profiles` mirror (libs/clickhouse migrations 0002 and 0003), as
 * the profiles service writes it after each change in PostgreSQL: '' for absent strings.
 */
export interface ProfileMirrorRow {
  id: string;
  project_id: string;
  first_name: string;
  last_name: string;
  email: string;
  avatar: string;
  /** Flattened, as events' properties are. */
  properties: Record<string, string>;
  groups: string[];
  is_external: boolean;
  /** `YYYY-MM-DD hh:mm:ss.sss`, UTC. */
  created_at: string;
  /** PostgreSQL's version of the row: the mirror keeps the highest. */
  version: number;
}

// `satisfies` makes the compiler reject a column missing from, or extra to, ProfileMirrorRow.
const COLUMN_SET = {
  id: true,
  project_id: true,
  first_name: true,
  last_name: true,
  email: true,
  avatar: true,
  properties: true,
  groups: true,
  is_external: true,
  created_at: true,
  version: true,
} as const satisfies Record<keyof ProfileMirrorRow, true>;

/** The `profiles` columns the mirror writes, for an explicit column list on insert. */
export const PROFILE_MIRROR_COLUMNS: readonly (keyof ProfileMirrorRow)[] = Object.freeze(
  Object.keys(COLUMN_SET) as (keyof ProfileMirrorRow)[],
);
