import { checkTrackItem } from './track-checks';

describe('checkTrackItem', () => {
  it('names the field of the item: payload, or __identify inside a track event', () => {
    expect(checkTrackItem({ type: 'track', payload: { name: 'e', profileId: 'a\u0000' } })?.path).toEqual(['payload', 'profileId']);
    expect(
      checkTrackItem({ type: 'track', payload: { name: 'e', profileId: 'u', properties: { __identify: { email: 'x'.repeat(321) } } } })
        ?.path,
    ).toEqual(['payload', 'properties', '__identify', 'email']);
    expect(checkTrackItem({ type: 'identify', payload: { profileId: 'u', lastName: 'x'.repeat(256) } })?.path).toEqual([
      'payload',
      'lastName',
    ]);
    expect(checkTrackItem({ type: 'increment', payload: { profileId: 7, property: 'a\u0000' } })?.path).toEqual(['payload', 'property']);
    expect(checkTrackItem({ type: 'group', payload: { id: 'g', type: 't', name: 'n'.repeat(256) } })?.path).toEqual(['payload', 'name']);
    expect(checkTrackItem({ type: 'assign_group', payload: { groupIds: ['\udc00'] } })?.path).toEqual(['payload', 'groupIds', 0]);
  });

  it("an event name is the event's own business (ClickHouse stores it as sent); a plain item passes", () => {
    expect(checkTrackItem({ type: 'track', payload: { name: 'x\u0000y', profileId: 42, properties: { a: { b: 1 } } } })).toBeUndefined();
    expect(checkTrackItem({ type: 'track', payload: { name: 'e', profileId: 'u', properties: { __identify: true } } })).toBeUndefined();
  });
});
