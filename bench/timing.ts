import { performance } from 'node:perf_hooks';

export interface Percentiles {
  p50: number;
  p95: number;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Times `a` and `b` alternately, run by run, so both see the same load (the machine may be
 * shared): p50/p95 of each, in milliseconds, after `warmup` untimed runs of each.
 */
export async function timePair(
  runs: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  warmup = 2,
): Promise<[Percentiles, Percentiles]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const samples: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    const order: [0 | 1, () => Promise<unknown>][] =
      i % 2 === 0
        ? [
            [0, a],
            [1, b],
          ]
        : [
            [1, b],
            [0, a],
          ];
    for (const [k, fn] of order) {
      const t0 = performance.now();
      await fn();
      samples[k].push(performance.now() - t0);
    }
  }
  const stats = (xs: number[]): Percentiles => {
    xs.sort((x, y) => x - y);
    return { p50: percentile(xs, 50), p95: percentile(xs, 95) };
  };
  return [stats(samples[0]), stats(samples[1])];
}
