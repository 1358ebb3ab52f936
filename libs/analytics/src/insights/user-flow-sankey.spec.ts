import { buildSankey, SANKEY_COLORS } from './user-flow-sankey';

const row = (path: string, sessions: number) => ({ path: path.split(' '), sessions });
const links = (s: ReturnType<typeof buildSankey>) => s.links.map((l) => `${l.source} > ${l.target}: ${l.value}`);

describe('buildSankey', () => {
  it('nothing to draw without paths', () => {
    expect(buildSankey([], 5)).toEqual({ nodes: [], links: [], total: 0 });
  });

  it('keeps the 3 most frequent entries (ties by name) and the 3 most frequent next names of each node', () => {
    const s = buildSankey(
      [row('a x', 5), row('b x', 4), row('c x', 3), row('d x', 9), row('a p', 1), row('a q', 2), row('a r', 3), row('a s', 4)],
      5,
    );
    expect(s.total).toBe(15 + 4 + 9);
    expect(s.nodes.filter((n) => n.step === 1).map((n) => [n.id, n.value, n.nodeColor])).toEqual([
      ['a::step1', 15, SANKEY_COLORS[0]],
      ['d::step1', 9, SANKEY_COLORS[1]],
      ['b::step1', 4, SANKEY_COLORS[2]],
    ]);
    expect(links(s).filter((l) => l.startsWith('a::'))).toEqual([
      'a::step1 > x::step2: 5',
      'a::step1 > s::step2: 4',
      'a::step1 > r::step2: 3',
    ]);
  });

  it('a session counts on a link only if it reached the source through shown links (OpenPanel counts every such pair)', () => {
    // From a, the shown destinations are x, y, z; w is cut. The sessions a > w > y > m reach y at step 3, but not through
    // shown links, so y::step3 > m counts only a > x > y > m (OpenPanel would count 7 there, more than reached y::step3).
    const s = buildSankey([row('a x y m', 5), row('a y m', 4), row('a z m', 3), row('a w y m', 2)], 5);
    expect(s.total).toBe(14);
    expect(links(s)).toEqual([
      'a::step1 > x::step2: 5',
      'a::step1 > y::step2: 4',
      'a::step1 > z::step2: 3',
      'x::step2 > y::step3: 5',
      'y::step2 > m::final: 4',
      'z::step2 > m::final: 3',
      'y::step3 > m::final: 5',
    ]);
    const m = s.nodes.find((n) => n.id === 'm::final')!;
    expect([m.value, m.step, m.percentage]).toEqual([12, 4, 85.71]);
    // Flow is conserved: no node sends on more than reached it.
    for (const n of s.nodes) {
      const out = s.links.filter((l) => l.source === n.id).reduce((sum, l) => sum + l.value, 0);
      expect(out).toBeLessThanOrEqual(n.value);
    }
  });

  it('leaves out links under 0.25 % of the sessions shown, and what came through them', () => {
    // 1000 sessions: a link needs ceil(2.5) = 3.
    const s = buildSankey([row('a b c', 995), row('a d c', 2), row('a e c', 3)], 5);
    expect(links(s)).toEqual(['a::step1 > b::step2: 995', 'a::step1 > e::step2: 3', 'b::step2 > c::step3: 995', 'e::step2 > c::step3: 3']);
  });

  it('merges end nodes of one name into <name>::final at the latest step, their links summed', () => {
    const s = buildSankey([row('a end', 2), row('a b end', 3), row('a b c end', 1)], 5);
    expect(s.nodes.map((n) => [n.id, n.value, n.step])).toEqual([
      ['a::step1', 6, 1],
      ['b::step2', 4, 2],
      ['c::step3', 1, 3],
      ['end::final', 6, 4],
    ]);
    expect(links(s)).toEqual([
      'a::step1 > b::step2: 4',
      'a::step1 > end::final: 2',
      'b::step2 > end::final: 3',
      'b::step2 > c::step3: 1',
      'c::step3 > end::final: 1',
    ]);
  });

  it('stops at steps', () => {
    const s = buildSankey([row('a b c d', 1)], 2);
    expect(links(s)).toEqual(['a::step1 > b::step2: 1']);
  });
});
