import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, type OperationObject, SwaggerModule } from '@nestjs/swagger';
import { CLIENT_MODES_EXTENSION } from '../auth';
import { trackOpenApiComponents } from '../track/track.schema';
import { SECURITY_SCHEMES } from './security-schemes';
import { swaggerUiPlugins } from './swagger-ui-plugins';

/** The API's version (info.version); a test keeps it equal to package.json's. */
export const API_VERSION = '0.1.0';

/**
 * 3.1: its schemas are JSON Schema, so the schemas Fastify validates with (const, if/then)
 * are published as they are, and Nest converts `nullable` to `type: [..., 'null']` itself.
 */
export const OPENAPI_VERSION = '3.1.0';

const DESCRIPTION = `Self-hostable product analytics, wire-compatible with OpenPanel's public API (Track,
Export, Manage) and with the capture APIs of PostHog, Segment and Commanders Act.

## Quick start

1. **Get a root client.** On first start, when no API client exists yet, the server's output
   shows one, once, on lines of their own (\`openpanel-client-id:\` and
   \`openpanel-client-secret: sec_…\`). To choose it yourself, start the server with
   \`ROOT_CLIENT_ID\` (a UUID) and \`ROOT_CLIENT_SECRET\`. More clients: \`POST /manage/clients\`,
   or \`npm run -s cli -- create-client --mode root|read|write [--project ID]\`.
2. **Authorize.** Click *Authorize*, paste the id into \`clientId\` and the secret into
   \`clientSecret\`, then one *Authorize* applies both. This page keeps them across reloads (in
   this browser) until you log out. Each route says which client it needs.
3. **Create a project**: \`POST /manage/projects\` with *Try it out*. The answer holds a write
   client for the project; its secret is shown this once.
4. **Send an event** with that write client: the root client belongs to no project, so \`/track\`
   answers it 401. Here: *Authorize*, *Logout*, then the write client's id and secret. Or with curl
   (\`$HOST\` is this server, e.g. \`http://localhost:3333\`):
   \`\`\`
   curl -X POST $HOST/track -H 'openpanel-client-id: WRITE_ID' -H 'openpanel-client-secret: WRITE_SECRET' \\
     -H 'content-type: application/json' -d '{"type":"track","payload":{"name":"signup"}}'
   \`\`\`
5. **Read it back** with the root (or a read) client: on this page, \`GET /export/events\` and
   \`GET /export/charts\` with only \`projectId\` filled in; or:
   \`\`\`
   curl "$HOST/export/events?projectId=PROJECT_ID" -H 'openpanel-client-id: ROOT_ID' -H 'openpanel-client-secret: ROOT_SECRET'
   \`\`\`

## Clients and modes

\`write\` sends events, \`read\` exports its project's data, \`root\` manages its organisation and
exports any of its projects (and sends events only when created for a project). Secrets are shown
once, on creation. The capture routes (PostHog, Segment, Commanders Act) take the client id in
their own wire format: their lock icon offers that credential; the *Authorize* button asks for
OpenPanel's pair only.

## Errors and limits

Errors have the shape \`{ status, error, message, details? }\`; a 400 lists each invalid field in
\`details\`. Requests are limited per client (else per IP); a 429 carries \`Retry-After\` and
\`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`, \`X-RateLimit-Reset\`. Capture routes answer
in the wire format of the product they imitate.

## Generated clients

This document is served at \`/docs-json\`: \`npx openapi-typescript $HOST/docs-json -o schema.d.ts\`
gives the types for \`openapi-fetch\`; any OpenAPI 3.1 generator works too. The JSON parameters
(\`events\`, \`series\`, \`breakdowns\`, \`filters\`) are typed arrays of objects: give openapi-fetch a
\`querySerializer\` that writes an array as repeated values and an object as its JSON text
(\`events={"name":"screen_view"}\`), since its default writes objects as \`deepObject\` brackets.`;

/** Tags in the order Swagger UI shows them. A tag an operation uses must be described here. */
export const TAGS: { name: string; description: string }[] = [
  {
    name: 'Track',
    description:
      'OpenPanel Track API: events, profiles (identify, increment, decrement, alias) and groups. A 200 means the event is stored.',
  },
  { name: 'Export', description: 'OpenPanel Export API: raw events and charts of a project, for read and root clients.' },
  {
    name: 'Insights',
    description:
      "OpenPanel Insights API: web analytics on sessions (overview, pages, referrers, geo, devices), sessions, for read and root clients. Dates are the project's calendar days, both ends included.",
  },
  {
    name: 'Import',
    description:
      'Historical events (an export of this API, or OpenPanel rows), checked row by row, enriched, deduplicated by id and given sessions (write and root clients).',
  },
  { name: 'Manage: projects', description: 'Projects of your organisation (root clients).' },
  { name: 'Manage: clients', description: 'API clients and their modes (root clients). Secrets are shown once.' },
  { name: 'Manage: references', description: 'Dated annotations shown on charts (root clients).' },
  { name: 'Manage: event meta', description: 'Names, descriptions and conversion flags of event names (root clients).' },
  {
    name: 'Manage: audit',
    description: 'Who changed what: every change made through /manage and the command line, newest first (root clients).',
  },
  {
    name: 'Manage: erasures',
    description:
      'Erasing one person of a project: profile, aliases, group memberships, events and sessions (root clients). Runs in the background.',
  },
  {
    name: 'Capture: PostHog',
    description: 'Compatible with PostHog capture: point a PostHog SDK at this server with a client id as the project API key.',
  },
  {
    name: 'Capture: Segment',
    description: 'Compatible with the Segment HTTP Tracking API (and RudderStack): a client id as the write key.',
  },
  {
    name: 'Capture: Commanders Act',
    description: 'Compatible with the Commanders Act HTTP Tracking API (v1 and v2 bodies): a client id as the source key.',
  },
  { name: 'Health', description: 'Liveness, readiness and each dependency, for load balancers and orchestrators. No credentials.' },
];

/**
 * Sorts object keys, except inside a media type's `examples`: those keep the order the code
 * gives them (stable too), since Swagger UI offers them in that order and preselects the first.
 */
function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => {
          const v = (value as Record<string, unknown>)[k];
          return [k, k === 'examples' && v && typeof v === 'object' && !Array.isArray(v) ? v : sortKeys(v)];
        }),
    ) as T;
  }
  return value;
}

function operations(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((item) =>
    Object.values(item).filter((op): op is OperationObject => typeof op === 'object' && 'responses' in op),
  );
}

/** Lists the tags and security schemes the operations use, and only those. */
function declareUsed(document: OpenAPIObject): void {
  const ops = operations(document);
  const usedTags = new Set(ops.flatMap((op) => op.tags ?? []));
  const known = TAGS.filter((t) => usedTags.has(t.name));
  const unknown = [...usedTags]
    .filter((name) => !TAGS.some((t) => t.name === name))
    .sort()
    .map((name) => ({ name }));
  document.tags = [...known, ...unknown];

  const usedSchemes = new Set(ops.flatMap((op) => (op.security ?? []).flatMap((requirement) => Object.keys(requirement))));
  const schemes = Object.entries(SECURITY_SCHEMES).filter(([name]) => usedSchemes.has(name));
  document.components = { ...document.components, securitySchemes: Object.fromEntries(schemes) };
}

/**
 * Which client a route needs, in words, from the modes its decorator declared: Swagger UI's
 * lock says only that some credential applies, and a root client is refused by ingestion
 * when it belongs to no project (the one the first start prints), which readers hit first.
 */
const CLIENT_NEEDED: Record<string, string> = {
  'write,root':
    '**Client:** a `write` client of the project (the one `POST /manage/projects` answers with), or a `root` client ' +
    'created for a project. The organisation-wide root client has no project to send events to: 401.',
  'read,root':
    '**Client:** a `read` client (its own project; `projectId` may then be omitted), or a `root` client (any project of its organisation).',
  root: '**Client:** a `root` client.',
};

function describeClientModes(document: OpenAPIObject): void {
  for (const op of operations(document)) {
    const modes = (op as unknown as Record<string, unknown>)[CLIENT_MODES_EXTENSION];
    if (!Array.isArray(modes)) continue;
    const needed = CLIENT_NEEDED[modes.join(',')];
    if (!needed) throw new Error(`No wording for client modes ${modes.join(', ')} (${op.operationId ?? '?'})`);
    op.description = op.description ? `${needed}\n\n${op.description}` : needed;
  }
}

/** Drops component schemas nothing refers to any more (e.g. an inferred schema replaced above). */
function dropUnusedSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  for (;;) {
    const { schemas: _ignored, ...rest } = document.components ?? {};
    const text = JSON.stringify([document.paths, rest, ...Object.values(schemas)]);
    const unused = Object.keys(schemas).filter((name) => !text.includes(`"#/components/schemas/${name}"`));
    if (unused.length === 0) return;
    for (const name of unused) delete schemas[name];
  }
}

/**
 * The one place the OpenAPI document is built: served at /docs-json, written to openapi.json
 * by `npm run openapi`. Keys are sorted so the committed file only changes when the API does.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion(OPENAPI_VERSION)
    .setTitle('Analytics API (OpenPanel-compatible)')
    .setDescription(DESCRIPTION)
    .setVersion(API_VERSION)
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'The server that serves this document')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // Explicit operationIds are required (a test checks); this fallback makes a missing one visible.
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  // Request schemas written as JSON Schema (validated by Fastify) rather than DTO classes.
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...trackOpenApiComponents() } };
  describeClientModes(document);
  dropUnusedSchemas(document);
  declareUsed(document);
  return sortKeys(document);
}

export function setupSwaggerUi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Analytics API docs',
    swaggerOptions: {
      // The Authorize dialog's client id and secret survive reloads (kept in localStorage).
      persistAuthorization: true,
      plugins: swaggerUiPlugins(),
      tryItOutEnabled: true,
      displayOperationId: true,
      displayRequestDuration: true,
      filter: true,
      docExpansion: 'list',
    },
  });
}
