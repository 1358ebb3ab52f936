import type { FastifyRequest } from 'fastify';
import { INGEST_CHANNEL } from '../pipeline';
import type { AuthContext } from './auth.types';
import { authOf } from './current-client.decorator';
import { ingestContextOf } from './ingest-context.decorator';

const AUTH: AuthContext = {
  client: { id: 'c1', name: 'web', mode: 'write', organizationId: 'o1', projectId: 'p1', public: false, secretHash: '', projectCors: [] },
  withSecret: true,
  ip: '203.0.113.7',
};

const request = (over: { auth?: AuthContext; headers?: Record<string, string | string[]>; config?: Record<string, unknown> } = {}) =>
  ({
    auth: 'auth' in over ? over.auth : AUTH,
    headers: over.headers ?? {},
    routeOptions: { url: '/track', config: over.config ?? { [INGEST_CHANNEL]: 'openpanel' } },
  }) as unknown as FastifyRequest;

describe('ingestContextOf / authOf (what the guard left, as data)', () => {
  it("source from the client and the route's channel; address from the guard; a repeated header gives its first value", () => {
    const at = Date.now();
    const ctx = ingestContextOf(
      request({
        headers: {
          'user-agent': 'Mozilla/5.0',
          origin: 'https://example.com',
          'openpanel-sdk-name': 'web',
          'openpanel-sdk-version': ['1.0', '2.0'],
        },
        config: { [INGEST_CHANNEL]: 'segment' },
      }),
    );
    expect(ctx).toEqual({
      source: { projectId: 'p1', trusted: true, channel: 'segment' },
      receivedAt: expect.any(Date),
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      origin: 'https://example.com',
      sdkName: 'web',
      sdkVersion: '1.0',
    });
    expect(ctx.receivedAt.getTime()).toBeGreaterThanOrEqual(at);
  });

  it('no user agent is an empty one; empty headers are none', () => {
    const ctx = ingestContextOf(request({ headers: { origin: '' } }));
    expect(ctx.userAgent).toBe('');
    expect(ctx.origin).toBeUndefined();
  });

  it('a route without a channel, a client without a project, or no authentication is a programming error', () => {
    expect(() => ingestContextOf(request({ config: {} }))).toThrow(/not an ingestion route/);
    expect(() => ingestContextOf(request({ auth: { ...AUTH, client: { ...AUTH.client, projectId: null } } }))).toThrow(
      /not an ingestion route/,
    );
    expect(() => authOf(request({ auth: undefined }))).toThrow(/did not authenticate/);
  });
});
