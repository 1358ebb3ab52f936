import type { UserFlowPathRow } from './user-flow-sql';

export interface SankeyNode {
  id: string;
  label: string;
  nodeColor: string;
  percentage: number;
  value: number;
  step: number;
}

export interface SankeyLink {
  source: string;
  target: string;
  value: number;
}

export interface Sankey {
  nodes: SankeyNode[];
  links: SankeyLink[];
}

/** Entry nodes shown, and destinations shown per node (OpenPanel's 3 and 3). */
export const SANKEY_TOP_ENTRIES = 3;
export const SANKEY_TOP_DESTINATIONS = 3;
/** Links carrying less than this percent of the sessions shown are left out (OpenPanel's 0.25 %). */
export const SANKEY_MIN_LINK_PERCENT = 0.25;

/** The colours of the entry nodes, in order; every node takes the colour of the node it was reached from. */
export const SANKEY_COLORS = ['#2563eb', '#ff7557', '#7fe1d8', '#f8bc3c', '#b3596e', '#72bef4', '#ffb27a', '#0f7ea0', '#3ba974', '#febbb2'];

const round2 = (n: number) => Math.round(n * 100) / 100;
const byCountThenName = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * The Sankey chart of the paths, built step by step as OpenPanel builds it: the three most
 * frequent first names, then from each node of a step its three most frequent next names,
 * links under 0.25 % of the sessions shown left out, end nodes of the same name merged into
 * `<name>::final`. Unlike OpenPanel, a session counts on a link only if it reached the link's
 * source through links that are shown: OpenPanel counts every session with that pair of names
 * at that step, wherever it came from, so a node could send on more sessions than reached it.
 */
export function buildSankey(rows: readonly UserFlowPathRow[], steps: number): Sankey & { total: number } {
  const entryCounts = new Map<string, number>();
  for (const r of rows) entryCounts.set(r.path[0], (entryCounts.get(r.path[0]) ?? 0) + Number(r.sessions));
  const entries = [...entryCounts].sort(byCountThenName).slice(0, SANKEY_TOP_ENTRIES);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return { nodes: [], links: [], total: 0 };
  const minLink = Math.ceil((total * SANKEY_MIN_LINK_PERCENT) / 100);

  const nodeId = (event: string, step: number) => `${event}::step${step}`;
  const nodes = new Map<string, { label: string; step: number; value: number; color: string }>();
  entries.forEach(([event, count], i) =>
    nodes.set(nodeId(event, 1), { label: event, step: 1, value: count, color: SANKEY_COLORS[i % SANKEY_COLORS.length] }),
  );
  const entryNames = new Set(entries.map(([e]) => e));
  let alive = rows.filter((r) => entryNames.has(r.path[0])).map((r) => ({ path: r.path, sessions: Number(r.sessions) }));
  const links: SankeyLink[] = [];

  for (let step = 1; step < steps && alive.length > 0; step++) {
    // Sessions moving on from each source name at this step, by destination.
    const moves = new Map<string, Map<string, number>>();
    for (const r of alive) {
      if (r.path.length <= step) continue;
      const [source, target] = [r.path[step - 1], r.path[step]];
      const targets = moves.get(source) ?? new Map<string, number>();
      moves.set(source, targets);
      targets.set(target, (targets.get(target) ?? 0) + r.sessions);
    }
    const kept = new Set<string>();
    const sources = [...moves.keys()].sort(
      (a, b) => nodes.get(nodeId(b, step))!.value - nodes.get(nodeId(a, step))!.value || (a < b ? -1 : 1),
    );
    for (const source of sources) {
      const from = nodeId(source, step);
      const top = [...moves.get(source)!].sort(byCountThenName).slice(0, SANKEY_TOP_DESTINATIONS);
      for (const [target, value] of top) {
        if (target === source || value < minLink) continue;
        kept.add(`${source}\u0000${target}`);
        const to = nodeId(target, step + 1);
        links.push({ source: from, target: to, value });
        const node = nodes.get(to);
        if (node) node.value += value;
        else nodes.set(to, { label: target, step: step + 1, value, color: nodes.get(from)!.color });
      }
    }
    alive = alive.filter((r) => r.path.length > step && kept.has(`${r.path[step - 1]}\u0000${r.path[step]}`));
  }

  // Entry nodes nothing leaves are not drawn (nor counted out of the total, as upstream).
  const sources = new Set(links.map((l) => l.source));
  for (const [id, n] of nodes) if (n.step === 1 && !sources.has(id)) nodes.delete(id);

  // End nodes (nothing leaves them) of one name are drawn as one, at the latest of their steps.
  const ends = new Map<string, string[]>();
  for (const [id, n] of nodes) if (n.step > 1 && !sources.has(id)) ends.set(n.label, [...(ends.get(n.label) ?? []), id]);
  const remap = new Map<string, string>();
  for (const [label, ids] of ends) {
    if (ids.length < 2) continue;
    const merged = ids.map((id) => nodes.get(id)!);
    const first = [...merged].sort((a, b) => a.step - b.step || b.value - a.value)[0];
    const mergedId = `${label}::final`;
    for (const id of ids) {
      remap.set(id, mergedId);
      nodes.delete(id);
    }
    nodes.set(mergedId, {
      label,
      step: Math.max(...merged.map((n) => n.step)),
      value: merged.reduce((sum, n) => sum + n.value, 0),
      color: first.color,
    });
  }
  const linkValues = new Map<string, SankeyLink>();
  for (const l of links) {
    const [source, target] = [remap.get(l.source) ?? l.source, remap.get(l.target) ?? l.target];
    const key = `${source}\u0000${target}`;
    const existing = linkValues.get(key);
    if (existing) existing.value += l.value;
    else linkValues.set(key, { source, target, value: l.value });
  }
  const drawn = [...nodes]
    .map(([id, n]) => ({
      id,
      label: n.label,
      nodeColor: n.color,
      percentage: round2((n.value * 100) / total),
      value: n.value,
      step: n.step,
    }))
    .sort((a, b) => a.step - b.step || b.value - a.value || (a.id < b.id ? -1 : 1));
  return { nodes: drawn, links: [...linkValues.values()], total };
}
