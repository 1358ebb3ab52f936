import { gzipSync } from 'node:zlib';
import { glanceToken } from './posthog-envelope';

const KEY = '6a1f0f55-7d1e-4c38-9a2b-1c2d3e4f5a6b';
const wrapper = JSON.stringify({ api_key: KEY, batch: Array.from({ length: 2000 }, (_, i) => ({ event: 'e', distinct_id: `u${i}` })) });
const events = JSON.stringify([{ event: '$pageview', properties: { $current_url: 'https://a.example', token: KEY, distinct_id: 'u' } }]);

describe('glanceToken (the key, seen without decoding the body)', () => {
  it('reads plain JSON, gzip, base64 and form bodies', async () => {
    expect(await glanceToken(Buffer.from(wrapper))).toBe(KEY);
    expect(await glanceToken(Buffer.from(events))).toBe(KEY);
    expect(await glanceToken(gzipSync(wrapper))).toBe(KEY);
    expect(await glanceToken(Buffer.from(Buffer.from(events).toString('base64')))).toBe(KEY);
    expect(await glanceToken(Buffer.from(gzipSync(events).toString('base64')))).toBe(KEY);
    expect(await glanceToken(Buffer.from(`data=${encodeURIComponent(Buffer.from(events).toString('base64'))}&compression=base64`))).toBe(
      KEY,
    );
  });
  it('gives up on what it cannot see cheaply', async () => {
    expect(await glanceToken(gzipSync(Buffer.alloc(30 * 1024 * 1024, 32)))).toBeUndefined();
    expect(
      await glanceToken(Buffer.from(JSON.stringify({ batch: Array.from({ length: 5000 }, () => ({ event: 'e' })), api_key: KEY }))),
    ).toBeUndefined();
    expect(await glanceToken(Buffer.from('data=%E0%A4%A&x'))).toBeUndefined();
    expect(await glanceToken(Buffer.alloc(0))).toBeUndefined();
  });
});
