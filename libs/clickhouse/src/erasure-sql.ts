import { type DdlTarget, renderDdl } from './ddl';

/**
 * The deletes of one person's rows (issue 19 §2), rendered for `target`: on a cluster they go
 * to every shard's `_local` table (`ON CLUSTER`), where the rows are. Only query parameters
 * carry the project and the ids; run them with `mutations_sync: 2` (ERASURE_MUTATION_SETTINGS)
 * so the statement returns once every replica has applied the delete.
 */
export interface ErasureStatements {
  /** Events of any of the ids: `{projectId:String}`, `{ids:Array(String)}`. */
  events: string[];
  /** Every version of the sessions named (a session's versions may carry different profile ids): `{projectId}`, `{sessionIds:Array(String)}`. */
  sessions: string[];
  /** The profile mirror's rows of the ids: `{projectId}`, `{ids}`. */
  profiles: string[];
}

export const ERASURE_MUTATION_SETTINGS = { mutations_sync: '2' } as const;

export function buildErasureStatements(target: DdlTarget): ErasureStatements {
  const del = (table: string, where: string) =>
    renderDdl(`ALTER TABLE {{db}}.{{local:${table}}} {{on_cluster}} DELETE WHERE project_id = {projectId:String} AND ${where}`, target);
  return {
    events: del('events', 'profile_id IN {ids:Array(String)}'),
    sessions: del('sessions', 'id IN {sessionIds:Array(String)}'),
    profiles: del('profiles', 'id IN {ids:Array(String)}'),
  };
}
