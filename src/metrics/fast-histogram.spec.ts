import { Histogram, Registry } from 'prom-client';
import { FastHistogram } from './fast-histogram';

const BOUNDS = [0.001, 0.01, 0.1, 1];
const OBSERVED = [0, 0.001, 0.0011, 0.05, 0.1, 0.5, 1, 3, 1e9];

describe('FastHistogram', () => {
  it("renders exactly what prom-client's Histogram renders for the same observations", async () => {
    const ours = new Registry();
    const fast = new FastHistogram('t_seconds', 'help text', BOUNDS);
    ours.registerMetric(fast.asMetric());
    const a = fast.series({ route: '/a', status_code: '200' });
    const b = fast.series({ route: '/b', status_code: '404' });

    const theirs = new Registry();
    const reference = new Histogram({
      name: 't_seconds',
      help: 'help text',
      labelNames: ['route', 'status_code'],
      buckets: BOUNDS,
      registers: [theirs],
    });
    for (const v of OBSERVED) {
      a(v);
      reference.observe({ route: '/a', status_code: '200' }, v);
    }
    b(0.2);
    reference.observe({ route: '/b', status_code: '404' }, 0.2);

    // prom-client puts `le` first among the labels; the order of labels carries no meaning.
    const normalise = (text: string) =>
      text
        .split('\n')
        .map((line) => line.replace(/\{([^}]*)\}/, (_, labels: string) => `{${labels.split(',').sort().join(',')}}`))
        .sort();
    expect(normalise(await ours.metrics())).toEqual(normalise(await theirs.metrics()));
  });

  it('starts again from zero on reset, keeping the observers it handed out', async () => {
    const fast = new FastHistogram('r_seconds', 'h', BOUNDS);
    const observe = fast.series({ route: '/a' });
    observe(0.5);
    fast.reset();
    observe(0.005);
    const { values } = await fast.get();
    expect(values.find((v) => v.metricName === 'r_seconds_count')?.value).toBe(1);
    expect(values.find((v) => v.metricName === 'r_seconds_bucket' && v.labels.le === 0.01)?.value).toBe(1);
  });
});
