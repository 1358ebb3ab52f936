/**
 * How deep properties may nest, for every source and for event, profile and group properties
 * alike: deeper is refused (the item, not silently cut). 32 levels exceed any tracking plan,
 * and keep JSON.stringify, which recurses, far from the stack's end when a profile's
 * properties are written to PostgreSQL.
 */
export const MAX_PROPERTY_DEPTH = 32;

/**
 * Whether `value` holds objects or arrays nested more than `max` levels (`value` itself is
 * level 1). Iterative and stops at the first object past `max`: never recursion proportional
 * to the input, and no more work than the objects down to that level.
 */
export function nestsDeeperThan(value: unknown, max: number = MAX_PROPERTY_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const objects: object[] = [value];
  const depths: number[] = [1];
  while (objects.length > 0) {
    const node = objects.pop()!;
    const depth = depths.pop()!;
    if (depth > max) return true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (child !== null && typeof child === 'object') {
          objects.push(child);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    for (const key in node) {
      const child: unknown = (node as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') {
        objects.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
