import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { AUTH_SCOPE_KEY, CLIENT_MODES_KEY, PUBLIC_KEY } from '../src/auth';
import { useTestApp } from './setup/test-app';

/** Who may call each route. A new route must be added here, with its modes, on purpose. */
const EXPECTED: Record<string, string> = {
  'GET /healthz/live': 'public',
  'GET /healthz/ready': 'public',
  'GET /healthcheck': 'public',
  // Prometheus scrape: no client; a bearer METRICS_TOKEN when one is set (metrics.e2e-spec).
  'GET /metrics': 'public',
  'POST /track': 'ingest: write,root',
  'POST /track/batch': 'ingest: write,root',
  // OpenPanel's routes for older SDKs, on /track's auth.
  'GET /track/device-id': 'ingest: write,root',
  'POST /profile': 'ingest: write,root',
  'POST /profile/increment': 'ingest: write,root',
  'POST /profile/decrement': 'ingest: write,root',
  'POST /event': 'ingest: write,root',
  'GET /export/events': 'export: read,root',
  // Historical import: write clients with their secret (own project) and root clients.
  'POST /import/events': 'import: write,root',
  'GET /export/charts': 'export: read,root',
  // Insights (OpenPanel's /insights/:projectId/*): read clients of the project and root clients.
  'GET /insights/:projectId/overview': 'export: read,root',
  'GET /insights/:projectId/metrics': 'export: read,root',
  'GET /insights/:projectId/live': 'export: read,root',
  'GET /insights/:projectId/active_users': 'export: read,root',
  'GET /insights/:projectId/retention': 'export: read,root',
  'GET /insights/:projectId/retention/cohort': 'export: read,root',
  'GET /insights/:projectId/engagement': 'export: read,root',
  'GET /insights/:projectId/pages/top': 'export: read,root',
  'GET /insights/:projectId/pages': 'export: read,root',
  'GET /insights/:projectId/pages/entry_exit': 'export: read,root',
  'GET /insights/:projectId/pages/performance': 'export: read,root',
  'GET /insights/:projectId/referrer': 'export: read,root',
  'GET /insights/:projectId/referrer_name': 'export: read,root',
  'GET /insights/:projectId/referrer_type': 'export: read,root',
  'GET /insights/:projectId/utm_source': 'export: read,root',
  'GET /insights/:projectId/utm_medium': 'export: read,root',
  'GET /insights/:projectId/utm_campaign': 'export: read,root',
  'GET /insights/:projectId/utm_term': 'export: read,root',
  'GET /insights/:projectId/utm_content': 'export: read,root',
  'GET /insights/:projectId/region': 'export: read,root',
  'GET /insights/:projectId/country': 'export: read,root',
  'GET /insights/:projectId/city': 'export: read,root',
  'GET /insights/:projectId/device': 'export: read,root',
  'GET /insights/:projectId/brand': 'export: read,root',
  'GET /insights/:projectId/model': 'export: read,root',
  'GET /insights/:projectId/browser': 'export: read,root',
  'GET /insights/:projectId/browser_version': 'export: read,root',
  'GET /insights/:projectId/os': 'export: read,root',
  'GET /insights/:projectId/os_version': 'export: read,root',
  'GET /insights/:projectId/traffic/referrers': 'export: read,root',
  'GET /insights/:projectId/traffic/geo': 'export: read,root',
  'GET /insights/:projectId/traffic/devices': 'export: read,root',
  'GET /insights/:projectId/sessions': 'export: read,root',
  'GET /insights/:projectId/events': 'export: read,root',
  'GET /insights/:projectId/events/names': 'export: read,root',
  'GET /insights/:projectId/events/properties': 'export: read,root',
  'GET /insights/:projectId/events/property_values': 'export: read,root',
  'GET /insights/:projectId/profiles': 'export: read,root',
  'GET /insights/:projectId/profiles/:profileId': 'export: read,root',
  'GET /insights/:projectId/profiles/:profileId/sessions': 'export: read,root',
  'GET /insights/:projectId/profiles/:profileId/metrics': 'export: read,root',
  'GET /insights/:projectId/funnel': 'export: read,root',
  'GET /insights/:projectId/user_flow': 'export: read,root',
  'GET /insights/:projectId/groups/types': 'export: read,root',
  'GET /insights/:projectId/groups': 'export: read,root',
  'GET /insights/:projectId/groups/:groupId': 'export: read,root',
  'GET /manage/projects': 'manage: root',
  'GET /manage/projects/:id': 'manage: root',
  'POST /manage/projects': 'manage: root',
  'PATCH /manage/projects/:id': 'manage: root',
  'DELETE /manage/projects/:id': 'manage: root',
  'GET /manage/audit': 'manage: root',
  'GET /manage/clients': 'manage: root',
  'GET /manage/clients/:id': 'manage: root',
  'POST /manage/clients': 'manage: root',
  'PATCH /manage/clients/:id': 'manage: root',
  'DELETE /manage/clients/:id': 'manage: root',
  'GET /manage/references': 'manage: root',
  'GET /manage/references/:id': 'manage: root',
  'POST /manage/references': 'manage: root',
  'PATCH /manage/references/:id': 'manage: root',
  'DELETE /manage/references/:id': 'manage: root',
  'GET /manage/erasures': 'manage: root',
  'GET /manage/erasures/:id': 'manage: root',
  'POST /manage/erasures': 'manage: root',
  'GET /manage/event-meta': 'manage: root',
  'PUT /manage/event-meta/:projectId/:name': 'manage: root',
  'DELETE /manage/event-meta/:projectId/:name': 'manage: root',
  // Capture (PostHog, Segment, Commanders Act): the key comes from the wire format.
  'POST /e': 'ingest: write,root',
  'GET /e': 'ingest: write,root',
  'POST /i/v0/e': 'ingest: write,root',
  'GET /i/v0/e': 'ingest: write,root',
  'POST /batch': 'ingest: write,root',
  'GET /batch': 'ingest: write,root',
  'POST /capture': 'ingest: write,root',
  'GET /capture': 'ingest: write,root',
  'POST /engage': 'ingest: write,root',
  'GET /engage': 'ingest: write,root',
  'POST /flags': 'public',
  'POST /decide': 'public',
  'GET /': 'public',
  'GET /array/:token/config': 'public',
  'GET /array/:token/config.js': 'public',
  'POST /v1/track': 'ingest: write,root',
  'POST /v1/identify': 'ingest: write,root',
  'POST /v1/page': 'ingest: write,root',
  'POST /v1/screen': 'ingest: write,root',
  'POST /v1/group': 'ingest: write,root',
  'POST /v1/alias': 'ingest: write,root',
  'POST /v1/batch': 'ingest: write,root',
  'POST /events': 'ingest: write,root',
};

/** Routes left out of the OpenAPI document on purpose: for operators, not API clients. */
const UNDOCUMENTED = new Set(['GET /metrics']);

describe('Every route declares who may call it', () => {
  const t = useTestApp();

  it('matches the pinned table (no undeclared route, no silent change of modes)', () => {
    const scanner = new MetadataScanner();
    const reflector = new Reflector();
    const found: Record<string, string> = {};
    const controllers = [...t.app.get(ModulesContainer).values()].flatMap((m) => [...m.controllers.values()]);
    for (const wrapper of controllers) {
      const controller = wrapper.metatype as new (...args: unknown[]) => object;
      if (!controller || !wrapper.instance) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '').replace(/^\/|\/$/g, '');
      for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(wrapper.instance))) {
        const handler = (wrapper.instance as Record<string, unknown>)[name] as (...a: unknown[]) => unknown;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '').replace(/^\/|\/$/g, '');
        const path = `/${[base, sub].filter(Boolean).join('/')}`;
        const targets = [handler, controller];
        const isPublic = reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets);
        const modes = reflector.getAllAndOverride<string[]>(CLIENT_MODES_KEY, targets);
        const scope = reflector.getAllAndOverride<string>(AUTH_SCOPE_KEY, targets);
        found[`${RequestMethod[method]} ${path}`] = isPublic ? 'public' : modes ? `${scope}: ${modes.join(',')}` : 'UNDECLARED';
      }
    }
    expect(found).toEqual(EXPECTED);
  });

  it('/docs-json lists the routes that exist, with the header security schemes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(listed.sort()).toEqual(
      Object.keys(EXPECTED)
        .filter((r) => !UNDOCUMENTED.has(r))
        .sort(),
    );
    expect(doc.components.securitySchemes).toMatchObject({
      clientId: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'openpanel-client-id' }),
      clientSecret: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'openpanel-client-secret' }),
    });
    expect(doc.paths['/manage/projects'].get.security).toEqual([{ clientId: [], clientSecret: [] }]);
    const ui = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('health: live, ready and each dependency', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz/live' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/healthz/ready' })).statusCode).toBe(200);
    const health = (await t.app.inject({ method: 'GET', url: '/healthcheck' })).json();
    expect(health.status).toBe('ok');
    expect(Object.keys(health.checks).sort()).toEqual(['clickhouse', 'postgres']);
  });

  it('bad input: invalid JSON, a wrong type and an oversized body get a 4xx in the error shape, and the server keeps serving', async () => {
    const headers = { 'openpanel-client-id': t.root.id, 'openpanel-client-secret': t.root.secret, 'content-type': 'application/json' };
    const bad = await t.app.inject({ method: 'POST', url: '/manage/projects', headers, payload: '{"name":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ status: 400, error: 'Bad Request' });
    const wrong = await t.app.inject({ method: 'POST', url: '/manage/projects', headers, payload: { name: 42 } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details[0].path).toEqual(['name']);
    const big = await t.app.inject({
      method: 'POST',
      url: '/manage/projects',
      headers,
      payload: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 1) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ status: 413, error: 'Payload Too Large', message: 'Request body is too large' });
    const missing = await t.app.inject({ method: 'GET', url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/healthz/live' })).statusCode).toBe(200);
  });
});
