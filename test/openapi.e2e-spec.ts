import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { ExampleObject, OpenAPIObject, OperationObject, ParameterObject, RequestBodyObject, ResponseObject } from '@nestjs/swagger';
import { CLIENT_ID_SCHEME } from '../src/auth';
import { API_VERSION, OPENAPI_VERSION } from '../src/openapi/openapi';
import { generateOpenApiDocument, OPENAPI_FILE, REGENERATE_COMMAND, serializeOpenApiDocument } from '../src/openapi/openapi-document';
import { COMMANDERS_ACT_TOKEN_SCHEME, POSTHOG_TOKEN_SCHEME, SEGMENT_WRITE_KEY_SCHEME } from '../src/openapi/security-schemes';
import { forEachSchema, type Schema } from './setup/openapi-schemas';
import { authHeaders, type Credentials, useTestApp } from './setup/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const ERROR_REF = '#/components/schemas/ErrorResponseDto';
const CLIENT_SCHEMA = join(ROOT, 'test/client/schema.d.ts');

/** Routes anyone may call: `security: []`. Every other operation names its schemes. */
const PUBLIC_OPERATIONS = [
  'serviceInfo',
  'healthLive',
  'healthReady',
  'healthcheck',
  'posthogFlags',
  'posthogDecide',
  'posthogRemoteConfig',
  'posthogRemoteConfigScript',
];

/**
 * Documentation gaps known and owned by a module. The test fails on any other gap, and on an
 * entry here that is fixed (delete it then), so these lists only shrink. Defaults: see
 * openapi-ts/openapi-typescript#2012 (a `default` in a referenced input schema makes the
 * generated field required).
 */
const PENDING: string[] = [];
const PENDING_SCHEMAS: string[] = [];

interface Operation {
  method: string;
  path: string;
  op: OperationObject;
}

function operationsOf(doc: OpenAPIObject): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => typeof op === 'object' && op !== null && 'responses' in op)
      .map(([method, op]) => ({ method, path, op: op as OperationObject })),
  );
}

/** Which paths and schemas differ, so a stale-file failure says where to look. */
function changedParts(fresh: OpenAPIObject, committed: OpenAPIObject): string[] {
  const differ = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
  const keys = (a: object = {}, b: object = {}) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const paths = keys(fresh.paths, committed.paths).filter((p) => differ(fresh.paths[p], committed.paths?.[p]));
  const schemas = keys(fresh.components?.schemas, committed.components?.schemas).filter((s) =>
    differ(fresh.components?.schemas?.[s], committed.components?.schemas?.[s]),
  );
  const rest = keys(fresh, committed).filter(
    (k) => k !== 'paths' && k !== 'components' && differ((fresh as never)[k], (committed as never)[k]),
  );
  return [...paths.map((p) => `paths ${p}`), ...schemas.map((s) => `schema ${s}`), ...rest];
}

/** Every rule an operation breaks, as `operationId: problem`. */
function problemsOf(doc: OpenAPIObject): string[] {
  const problems: string[] = [];
  const declaredTags = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));
  const schemes = doc.components?.securitySchemes ?? {};
  const seen = new Map<string, string>();
  for (const { method, path, op } of operationsOf(doc)) {
    const id = op.operationId ?? `${method.toUpperCase()} ${path}`;
    const say = (problem: string) => problems.push(`${id}: ${problem}`);
    if (!op.operationId || !/^[a-z][A-Za-z0-9]*$/.test(op.operationId))
      say('needs an explicit camelCase operationId (@ApiOperation({ operationId }))');
    if (seen.has(id)) say(`operationId also used by ${seen.get(id)}`);
    seen.set(id, `${method.toUpperCase()} ${path}`);
    if (!op.summary?.trim()) say('has no summary');
    if (!op.tags?.length) say('has no tag');
    for (const tag of op.tags ?? []) if (!declaredTags.get(tag)) say(`tag "${tag}" has no description in TAGS (src/openapi/openapi.ts)`);

    const responses = Object.entries(op.responses ?? {}) as [string, ResponseObject][];
    if (!responses.some(([status]) => /^2\d\d$/.test(status))) say('documents no 2xx answer');
    const security = op.security;
    if (!Array.isArray(security)) {
      say('declares no security (ClientModes(...) or security: [] when public)');
      continue;
    }
    for (const name of security.flatMap((r) => Object.keys(r)))
      if (!schemes[name]) say(`security scheme "${name}" is not declared (src/openapi/security-schemes.ts)`);
    if (security.length === 0) {
      if (!PUBLIC_OPERATIONS.includes(id)) say('is public (security: []) but not in PUBLIC_OPERATIONS');
      continue;
    }

    const errors = responses.filter(([status]) => /^4\d\d$/.test(status));
    if (errors.length === 0) say('documents no 4xx answer');
    const openPanelStyle = security.some((r) => CLIENT_ID_SCHEME in r);
    for (const [status, res] of errors) {
      const schema = res.content?.['application/json']?.schema as { $ref?: string } | undefined;
      if (!schema) say(`${status} has no JSON schema`);
      else if (openPanelStyle && schema.$ref !== ERROR_REF) say(`${status} is not in the error shape (ErrorResponseDto)`);
    }
    if (openPanelStyle && !op.responses['401']) say('documents no 401');
    const takesInput = Boolean(op.requestBody) || (op.parameters ?? []).some((p) => (p as ParameterObject).in === 'query');
    if (takesInput && !op.responses['400']) say('takes input but documents no 400');
    if (openPanelStyle && op.requestBody && !op.responses['413']) say('takes a body but documents no 413');
    const tooMany = op.responses['429'] as ResponseObject | undefined;
    for (const header of ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']) {
      if (tooMany && !tooMany.headers?.[header]) say(`429 does not document the ${header} header`);
    }
  }
  for (const id of PUBLIC_OPERATIONS) if (!seen.has(id)) problems.push(`${id}: listed in PUBLIC_OPERATIONS but not found`);
  return problems.sort();
}

const COMPONENT = '#/components/schemas/';

/** The schemas of an operation's input (body, parameters) or output (answers), by location. */
function schemasOf(op: OperationObject, side: 'input' | 'output'): [string, unknown][] {
  const media = (content: Record<string, { schema?: unknown }> | undefined, at: string) =>
    Object.entries(content ?? {}).map(([type, m]) => [`${at} ${type}`, m.schema] as [string, unknown]);
  if (side === 'output') return Object.entries(op.responses ?? {}).flatMap(([status, r]) => media((r as ResponseObject).content, status));
  const body = op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined;
  const params = (op.parameters ?? []) as ParameterObject[];
  return [
    ...media(body?.content, 'body'),
    ...params.flatMap((p) => [[`parameter ${p.name}`, p.schema] as [string, unknown], ...media(p.content as never, `parameter ${p.name}`)]),
  ];
}

/** Component schemas reachable from the given schemas through $ref. */
function reachable(doc: OpenAPIObject, roots: unknown[]): Set<string> {
  const found = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    forEachSchema(queue.pop(), '', (node) => {
      const ref = typeof node.$ref === 'string' && node.$ref.startsWith(COMPONENT) ? node.$ref.slice(COMPONENT.length) : undefined;
      if (ref && !found.has(ref)) {
        found.add(ref);
        queue.push(doc.components?.schemas?.[ref]);
      }
    });
  }
  return found;
}

/**
 * Schema shapes that make generated clients wrong without a hand edit:
 * - an object with nothing said about its keys: openapi-typescript types it `Record<string, never>`;
 * - an optional input field with a `default`: openapi-typescript types it required.
 */
function schemaProblemsOf(doc: OpenAPIObject): string[] {
  const problems: string[] = [];
  const freeForm = (owner: string) => (node: Schema, pointer: string) => {
    const types = ([] as unknown[]).concat(node.type ?? []);
    const saysKeys = [
      'properties',
      'additionalProperties',
      'patternProperties',
      'unevaluatedProperties',
      'allOf',
      'anyOf',
      'oneOf',
      '$ref',
    ].some((k) => k in node);
    if (types.includes('object') && !saysKeys)
      problems.push(`${owner}: object at ${pointer || '/'} says nothing of its keys (add additionalProperties: true or a schema)`);
  };
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) forEachSchema(schema, '', freeForm(`schema ${name}`));
  for (const { op } of operationsOf(doc)) {
    for (const [at, schema] of [...schemasOf(op, 'input'), ...schemasOf(op, 'output')])
      forEachSchema(schema, '', freeForm(`${op.operationId} ${at}`));
  }
  const inputs = operationsOf(doc).flatMap(({ op }) => schemasOf(op, 'input').map(([, schema]) => schema));
  for (const name of reachable(doc, inputs)) {
    forEachSchema(doc.components?.schemas?.[name], '', (node, pointer) => {
      const required = new Set((node.required as string[] | undefined) ?? []);
      for (const [field, prop] of Object.entries((node.properties as Record<string, Schema> | undefined) ?? {})) {
        if (!required.has(field) && prop && 'default' in prop) {
          problems.push(
            `schema ${name}: optional input ${pointer}/${field} has a default, so generated clients make it required (say the default in the description)`,
          );
        }
      }
    });
  }
  return [...new Set(problems)].sort();
}

describe('OpenAPI document (openapi.json)', () => {
  let doc: OpenAPIObject;
  let text: string;
  let tmp: string;

  beforeAll(async () => {
    doc = await generateOpenApiDocument();
    text = serializeOpenApiDocument(doc);
    tmp = mkdtempSync(join(tmpdir(), 'op-openapi-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it(`the committed ${OPENAPI_FILE} is the code's document (else run \`${REGENERATE_COMMAND}\`)`, () => {
    const committed = readFileSync(join(ROOT, OPENAPI_FILE), 'utf8');
    if (committed !== text) {
      const parts = changedParts(doc, JSON.parse(committed) as OpenAPIObject);
      throw new Error(
        `${OPENAPI_FILE} is stale: run \`${REGENERATE_COMMAND}\` and commit ${OPENAPI_FILE} and test/client/schema.d.ts.\n` +
          `Differs in: ${parts.slice(0, 20).join(', ')}${parts.length > 20 ? ', …' : ''}`,
      );
    }
  });

  it(`the generated client types are those of the committed ${OPENAPI_FILE} (else run \`npm run openapi:client\`)`, async () => {
    const out = join(tmp, 'schema.d.ts');
    await run(process.execPath, [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), join(ROOT, OPENAPI_FILE), '-o', out], {
      cwd: ROOT,
    });
    if (readFileSync(out, 'utf8') !== readFileSync(CLIENT_SCHEMA, 'utf8')) {
      throw new Error('test/client/schema.d.ts is stale: run `npm run openapi:client` and commit it');
    }
  });

  it('is valid OpenAPI (@apidevtools/swagger-parser)', async () => {
    expect(doc.openapi).toBe(OPENAPI_VERSION);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('passes Redocly lint with the recommended rules (redocly.yaml), no errors and no warnings', async () => {
    const file = join(tmp, 'openapi.json');
    writeFileSync(file, text);
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
    const args = [
      join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'),
      'lint',
      file,
      '--config',
      join(ROOT, 'redocly.yaml'),
      '--format',
      'json',
    ];
    const { stdout } = await run(process.execPath, args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }).catch(
      (e: { stdout: string }) => e,
    );
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('every operation: unique camelCase operationId, described tag, summary, security (or public), 2xx, 4xx in the error shape', () => {
    expect(problemsOf(doc)).toEqual([...PENDING].sort());
  });

  it('schemas: no shape that makes generated clients wrong (empty objects, defaults on optional inputs)', () => {
    expect(schemaProblemsOf(doc)).toEqual([...PENDING_SCHEMAS].sort());
  });

  it('info: title, version of package.json, a quick start; only the tags and schemes in use', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(doc.info.version).toBe(API_VERSION);
    expect(API_VERSION).toBe(pkg.version);
    expect(doc.info.title).toMatch(/OpenPanel/);
    for (const hint of [
      'Quick start',
      'ROOT_CLIENT_ID',
      'ROOT_CLIENT_SECRET',
      'Authorize',
      'POST /manage/projects',
      '/track',
      '/export/events',
    ]) {
      expect(doc.info.description).toContain(hint);
    }
    const ops = operationsOf(doc).map((o) => o.op);
    const usedTags = new Set(ops.flatMap((op) => op.tags ?? []));
    expect(new Set(doc.tags?.map((t) => t.name))).toEqual(usedTags);
    const usedSchemes = new Set(ops.flatMap((op) => (op.security ?? []).flatMap((r) => Object.keys(r))));
    expect(new Set(Object.keys(doc.components?.securitySchemes ?? {}))).toEqual(usedSchemes);
    expect(doc.components?.securitySchemes?.clientId).toMatchObject({ type: 'apiKey', in: 'header', name: 'openpanel-client-id' });
    expect(doc.components?.securitySchemes?.clientSecret).toMatchObject({ type: 'apiKey', in: 'header', name: 'openpanel-client-secret' });
  });

  describe('served by the running app', () => {
    const t = useTestApp();

    it('/docs-json is the same document (built without stores == served with stores)', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/docs-json' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(doc);
    });

    it('/docs is Swagger UI with our title, keeping the authorization across reloads, Try it out on', async () => {
      const page = await t.app.inject({ method: 'GET', url: '/docs' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>Analytics API docs</title>');
      const init = await t.app.inject({ method: 'GET', url: '/docs/swagger-ui-init.js' });
      expect(init.statusCode).toBe(200);
      expect(init.body).toMatch(/"persistAuthorization":\s*true/);
      expect(init.body).toMatch(/"tryItOutEnabled":\s*true/);
    });

    it('every request example is accepted, in document order, with a write client (what "Try it out" sends)', async () => {
      const project = await t.app.inject({
        method: 'POST',
        url: '/manage/projects',
        headers: authHeaders(t.root),
        payload: { name: 'Examples' },
      });
      const writer = (project.json() as { data: { client: Credentials } }).data.client;
      const basic = `Basic ${Buffer.from(`${writer.id}:${writer.secret}`).toString('base64')}`;
      const refused: string[] = [];
      let sent = 0;
      for (const { method, path, op } of operationsOf(doc)) {
        const examples = (op.requestBody as RequestBodyObject | undefined)?.content?.['application/json']?.examples ?? {};
        const schemes = new Set((op.security ?? []).flatMap((r) => Object.keys(r)));
        const byToken = schemes.has(POSTHOG_TOKEN_SCHEME) || schemes.has(COMMANDERS_ACT_TOKEN_SCHEME);
        for (const [name, example] of Object.entries(examples)) {
          const res = await t.app.inject({
            method: method.toUpperCase() as 'POST',
            url: `${path}${byToken ? `?token=${writer.id}` : ''}`,
            headers: {
              ...authHeaders(writer),
              ...(schemes.has(SEGMENT_WRITE_KEY_SCHEME) ? { authorization: basic } : {}),
              'content-type': 'application/json',
            },
            payload: JSON.stringify((example as ExampleObject).value),
          });
          sent += 1;
          if (!/^2\d\d$/.test(String(res.statusCode)) || !op.responses[String(res.statusCode)])
            refused.push(`${op.operationId} ${name}: ${res.statusCode} ${res.body}`);
        }
      }
      expect(refused).toEqual([]);
      expect(sent).toBeGreaterThanOrEqual(20);
    });
  });
});
