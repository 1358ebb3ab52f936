import { checkAlias, checkEventProperties, checkGroupIds, checkGroupUpdate, checkProfileUpdate, describeProblem } from './ingest-checks';

const NUL = '\u0000';
const deep = (levels: number) => {
  let value: Record<string, unknown> = { v: 1 };
  for (let i = 1; i < levels; i++) value = { d: value };
  return value;
};

describe('ingest checks (before anything of an item is written)', () => {
  it('profile ids, aliases, group ids and types are refused with U+0000 or a lone surrogate, or past 255 characters', () => {
    expect(checkProfileUpdate({ profileId: `a${NUL}` })).toEqual({
      path: ['profileId'],
      message: 'must not contain U+0000 or a lone surrogate',
    });
    expect(checkAlias('p', 'a\ud800')).toEqual({ path: ['alias'], message: 'must not contain U+0000 or a lone surrogate' });
    expect(checkGroupUpdate({ id: 'g', type: 't'.repeat(256), name: 'n' })).toEqual({
      path: ['type'],
      message: 'must not be longer than 255 characters',
    });
    expect(checkGroupIds('p', ['a', `b${NUL}`])).toEqual({ path: ['groupIds', 1], message: 'must not contain U+0000 or a lone surrogate' });
    expect(checkGroupIds(undefined, ['a'.repeat(255)])).toBeUndefined();
  });

  it('profile fields within their columns (255, 255, 320, 2048 characters), counted as PostgreSQL counts', () => {
    expect(
      checkProfileUpdate({
        profileId: 'p',
        firstName: 'x'.repeat(255),
        lastName: '😀'.repeat(255),
        email: 'e'.repeat(320),
        avatar: 'a'.repeat(2048),
      }),
    ).toBeUndefined();
    expect(checkProfileUpdate({ profileId: 'p', firstName: 'x'.repeat(256) })?.path).toEqual(['firstName']);
    expect(checkProfileUpdate({ profileId: 'p', email: 'e'.repeat(321) })?.path).toEqual(['email']);
    expect(checkProfileUpdate({ profileId: 'p', avatar: 'a'.repeat(2049) })?.path).toEqual(['avatar']);
    // Free text is cleaned, not refused: U+0000 is not stored, so it does not count.
    expect(checkProfileUpdate({ profileId: 'p', firstName: `${'x'.repeat(255)}${NUL}`, lastName: `l${NUL}` })).toBeUndefined();
    expect(checkProfileUpdate({ profileId: 'p', firstName: null })).toBeUndefined();
  });

  it('properties of events, profiles and groups nest at most 32 levels', () => {
    expect(checkEventProperties(deep(32))).toBeUndefined();
    expect(checkEventProperties(deep(33))).toEqual({ path: ['properties'], message: 'nests deeper than 32 levels' });
    expect(checkProfileUpdate({ profileId: 'p', propertiesOnce: deep(33) })?.path).toEqual(['propertiesOnce']);
    expect(checkGroupUpdate({ id: 'g', type: 't', name: 'n', properties: deep(5_000) })?.path).toEqual(['properties']);
  });

  it('describeProblem names the field, never its value', () => {
    expect(describeProblem({ path: ['email'], message: 'must not be longer than 320 characters' }, ['profile'])).toBe(
      'profile.email must not be longer than 320 characters',
    );
  });
});
