import { HOSTILE, sqlIsClean } from '../../test/hostile';
import { QueryValidationError } from '../errors';
import {
  buildActiveProfileIdsSql,
  buildMinSessionsProfileIdsSql,
  buildPerformedEventProfileIdsSql,
  buildProfileEventFiguresSql,
  buildProfileRecentEventsSql,
  buildProfileSessionFiguresSql,
  buildProfileSessionListSql,
  MAX_ACTIVITY_PROFILE_IDS,
  MAX_PROFILE_ID_LIST,
} from './profiles-sql';

describe('insights profiles SQL', () => {
  it('activity id sets ask for one more id than the cap, so a cut set shows', () => {
    const statements = [
      buildActiveProfileIdsSql('db', 'p1', new Date('2024-04-01T00:00:00Z'), 5),
      buildPerformedEventProfileIdsSql('db', 'p1', 'signup', 5),
      buildMinSessionsProfileIdsSql('db', 'p1', 'UTC', 2, 5),
    ];
    for (const { sql, params } of statements) {
      expect(sql).toMatch(/ LIMIT \{idLimit:UInt64\} SETTINGS /);
      expect(params.idLimit).toBe('6');
    }
    expect(buildPerformedEventProfileIdsSql('db', 'p1', 'signup').params.idLimit).toBe(String(MAX_ACTIVITY_PROFILE_IDS + 1));
  });

  it("a profile's figures, events and sessions read its id and its aliases', each bound", () => {
    const ids = ['user-1', 'anon-1', 'anon-2'];
    const statements = [
      buildProfileEventFiguresSql('db', 'p1', 'UTC', ids),
      buildProfileSessionFiguresSql('db', 'p1', 'UTC', ids),
      buildProfileRecentEventsSql('db', 'p1', ids, 10),
      buildProfileSessionListSql('db', 'p1', 'UTC', ids, { limit: 20, offset: 0 }),
    ];
    for (const { sql, params } of statements) {
      expect(sql).toMatch(/profile_id IN \(\{p\d+:String\}, \{p\d+:String\}, \{p\d+:String\}\)/);
      expect(Object.values(params)).toEqual(expect.arrayContaining(ids));
    }
    for (const h of HOSTILE) expect(sqlIsClean(buildProfileEventFiguresSql('db', 'p1', 'UTC', [h, h]).sql)).toBe(true);
    const tooMany = Array.from({ length: MAX_PROFILE_ID_LIST + 1 }, (_, i) => `id-${i}`);
    expect(() => buildProfileEventFiguresSql('db', 'p1', 'UTC', tooMany)).toThrow(QueryValidationError);
  });
});
