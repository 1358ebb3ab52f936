import { ApiError } from '@app/common';
import { readEnvelope, resolveToken } from './posthog-envelope';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return `${e.kind}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('readEnvelope', () => {
  it('an array, a batch wrapper, a data wrapper (array, JSON string, base64 string) and a single event', () => {
    expect(readEnvelope([{ event: 'a' }])).toEqual({ events: [{ event: 'a' }], historical: false });
    expect(readEnvelope({ api_key: 'k', batch: [{ event: 'a' }], sent_at: 'S', historical_migration: true })).toEqual({
      events: [{ event: 'a' }],
      token: 'k',
      sentAt: 'S',
      historical: true,
    });
    expect(readEnvelope({ token: 'k', data: [{ event: 'a' }] }).events).toEqual([{ event: 'a' }]);
    expect(readEnvelope({ data: '[{"event":"a"}]' }).events).toEqual([{ event: 'a' }]);
    expect(readEnvelope({ data: Buffer.from('[{"event":"a"}]').toString('base64') }).events).toEqual([{ event: 'a' }]);
    expect(readEnvelope({ event: 'a', api_key: 'k', data: { x: 1 } })).toEqual({
      events: [{ event: 'a', api_key: 'k', data: { x: 1 } }],
      historical: false,
    });
  });

  it('anything else → 400', () => {
    expect(refusal(() => readEnvelope('text'))).toMatch(/^bad_request/);
    expect(refusal(() => readEnvelope(null))).toMatch(/^bad_request/);
  });
});

describe('resolveToken', () => {
  const env = (events: unknown[], token?: string) => ({ events, token, historical: false });

  it('each location: batch api_key/token, event api_key, token, $token, properties.token, ?token=, ?api_key=', () => {
    expect(resolveToken(env([{}], 'batch'), {})).toBe('batch');
    expect(resolveToken(env([{ api_key: 'a' }]), {})).toBe('a');
    expect(resolveToken(env([{ token: 't' }]), {})).toBe('t');
    expect(resolveToken(env([{ $token: 'd' }]), {})).toBe('d');
    expect(resolveToken(env([{ properties: { token: 'p' } }]), {})).toBe('p');
    expect(resolveToken(env([{}]), { token: 'q' })).toBe('q');
    expect(resolveToken(env([{}]), { api_key: 'q2' })).toBe('q2');
  });

  it("the batch key wins over the events' own, which then may differ", () => {
    expect(resolveToken(env([{ api_key: 'x' }, { api_key: 'y' }], 'batch'), { token: 'q' })).toBe('batch');
  });

  it('mixed tokens, none, or malformed → 401 (a key holds at most 128 characters: CLIENT_ID:SECRET fits)', () => {
    expect(refusal(() => resolveToken(env([{ api_key: 'x' }, { token: 'y' }]), {}))).toBe(
      'unauthorized: Several different API keys in one request',
    );
    expect(refusal(() => resolveToken(env([{ event: 'a' }]), {}))).toMatch(/^unauthorized: API key not provided/);
    expect(refusal(() => resolveToken(env([{ api_key: 'x'.repeat(129) }]), {}))).toBe('unauthorized: Invalid API key');
    expect(refusal(() => resolveToken(env([{ api_key: 'a\u0000b' }]), {}))).toBe('unauthorized: Invalid API key');
    expect(refusal(() => resolveToken(env([{ api_key: 'clé' }]), {}))).toBe('unauthorized: Invalid API key');
  });
});
