import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { TRACK_ITEM_SCHEMA, TRACK_TYPES, trackItemSchemaOf } from './track.schema';

// The batch route checks each item against its own type's schema; it must say what the
// general item schema says.
describe('trackItemSchemaOf', () => {
  const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
  addFormats(ajv);
  const general = ajv.compile(TRACK_ITEM_SCHEMA);
  const byType = new Map(TRACK_TYPES.map((t) => [t, ajv.compile(trackItemSchemaOf(t))]));

  const items: unknown[] = [
    { type: 'track', payload: { name: 'page_view', properties: { a: 1 } } },
    { type: 'track', payload: { properties: {} } },
    { type: 'track', payload: { name: 5 } },
    { type: 'track', payload: 'x' },
    { type: 'track' },
    { type: 'identify', payload: { profileId: 'u1', email: 'a@b.co' } },
    { type: 'identify', payload: { firstName: 'A' } },
    { type: 'increment', payload: { profileId: 'u1', property: 'n', value: 2 } },
    { type: 'increment', payload: { profileId: 'u1', value: 'two' } },
    { type: 'decrement', payload: { profileId: 'u1', property: 'n' } },
    { type: 'decrement', payload: { profileId: 'u1' } },
    { type: 'alias', payload: { profileId: 'u1', alias: 'a1' } },
    { type: 'alias', payload: { profileId: 'u1' } },
    { type: 'group', payload: { id: 'g1', type: 'company', name: 'Acme' } },
    { type: 'group', payload: { id: 'g1' } },
    { type: 'assign_group', payload: { groupIds: ['g1'] } },
    { type: 'assign_group', payload: { groupIds: [] } },
  ];

  it.each(items.map((item) => [JSON.stringify(item), item]))('agrees with the item schema on %s', (_, item) => {
    const own = byType.get((item as { type: (typeof TRACK_TYPES)[number] }).type)!;
    const valid = general(item);
    const firstPath = general.errors?.[0]?.instancePath;
    expect(own(item)).toBe(valid);
    if (!valid) expect(own.errors?.[0]?.instancePath).toBe(firstPath);
  });

  it('covers every type, and some items of each are refused', () => {
    for (const type of TRACK_TYPES) {
      const ofType = items.filter((i) => (i as { type: string }).type === type);
      expect(ofType.some((i) => general(i))).toBe(true);
      expect(ofType.some((i) => !general(i))).toBe(true);
    }
  });
});
