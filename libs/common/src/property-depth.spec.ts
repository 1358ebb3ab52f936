import { MAX_PROPERTY_DEPTH, nestsDeeperThan } from './property-depth';

function nested(levels: number, wrap: (inner: unknown) => unknown = (inner) => ({ d: inner })): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = wrap(value);
  return value;
}

describe('nestsDeeperThan', () => {
  it('counts the value itself as level 1, objects and arrays alike; scalars have no depth', () => {
    expect(nestsDeeperThan(nested(MAX_PROPERTY_DEPTH))).toBe(false);
    expect(nestsDeeperThan(nested(MAX_PROPERTY_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan(nested(MAX_PROPERTY_DEPTH + 1, (inner) => [inner]))).toBe(true);
    expect(nestsDeeperThan(nested(3), 2)).toBe(true);
    expect(nestsDeeperThan('x'.repeat(10), 0)).toBe(false);
    expect(nestsDeeperThan(null)).toBe(false);
  });

  it('finds the deep branch among wide shallow ones', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) wide[`k${i}`] = { a: [1, 2, { b: 'c' }] };
    expect(nestsDeeperThan(wide)).toBe(false);
    wide.deep = nested(40);
    expect(nestsDeeperThan(wide)).toBe(true);
  });

  it('200,000 levels: no stack overflow, and it stops at the first level past the limit', () => {
    expect(nestsDeeperThan(nested(200_000))).toBe(true);
    expect(nestsDeeperThan(nested(200_000, (inner) => [inner]))).toBe(true);
  });
});
