import type { AddressInfo } from 'node:net';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import createClient, { type Middleware } from 'openapi-fetch';
import { mapSchema } from '../setup/openapi-schemas';
import { authHeaders, type Credentials, type TestApp } from '../setup/test-app';
import type { paths } from './schema';

/**
 * Typed clients generated from the committed openapi.json (`npm run openapi:client` writes
 * ./schema.d.ts), checked at run time against the document the app serves: a test written
 * with them stops compiling, or fails, when the document stops describing the server.
 */
export type ApiClient = ReturnType<typeof createClient<paths>>;

interface DocumentedResponse {
  content?: Record<string, { schema?: object }>;
}
interface DocumentedOperation {
  operationId?: string;
  responses: Record<string, DocumentedResponse>;
}
interface Document {
  paths: Record<string, Record<string, DocumentedOperation>>;
  components?: { schemas?: object };
}

const DOC_ID = 'https://openapi.invalid/served.json';

/** Points `#/components/...` at the registered document, and closes documented objects. */
function prepare(schema: unknown): unknown {
  return mapSchema(schema, (node) => {
    const out = { ...node };
    if (typeof out.$ref === 'string' && out.$ref.startsWith('#/')) out.$ref = `${DOC_ID}${out.$ref}`;
    // A field the server sends but the document omits is a gap: generated clients cannot see it.
    if ('properties' in out && !('additionalProperties' in out) && !('unevaluatedProperties' in out)) out.unevaluatedProperties = false;
    return out;
  });
}

/** Fails a call whose status is not documented, or whose JSON answer breaks its schema. */
function conformance(doc: Document): Middleware {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  const schemas = Object.fromEntries(Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => [name, prepare(schema)]));
  ajv.addSchema({ $id: DOC_ID, components: { schemas } });
  const compiled = new Map<object, ValidateFunction>();

  return {
    async onResponse({ request, response, schemaPath }) {
      const method = request.method.toLowerCase();
      const operation = doc.paths[schemaPath]?.[method];
      const where = `${request.method} ${schemaPath}`;
      if (!operation) throw new Error(`${where} is not in the served OpenAPI document`);
      const id = operation.operationId ?? where;
      const status = String(response.status);
      const documented = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
      if (!documented) throw new Error(`${id} answered ${status}, a status its documentation does not list`);
      const isJson = (response.headers.get('content-type') ?? '').includes('json');
      const schema = documented.content?.['application/json']?.schema;
      if (!isJson || response.status === 204) return;
      if (!schema) throw new Error(`${id} answered ${status} with JSON but documents no schema for it`);
      let validate = compiled.get(schema);
      if (!validate) compiled.set(schema, (validate = ajv.compile(prepare(schema) as object)));
      const body: unknown = await response.clone().json();
      if (!validate(body)) {
        const errors = (validate.errors ?? []).map(
          (e) =>
            `${e.instancePath || '/'} ${e.message}${e.params && 'unevaluatedProperty' in e.params ? ` (${String(e.params.unevaluatedProperty)})` : ''}`,
        );
        throw new Error(
          `${id} answered ${status} with a body its documentation does not describe: ${errors.join('; ')}\n${JSON.stringify(body).slice(0, 500)}`,
        );
      }
    },
  };
}

/** Serves the test app on a free loopback port (once) and returns its base URL. */
export async function listen(t: TestApp): Promise<string> {
  const server = t.app.getHttpServer();
  if (!server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * The query string of the document's parameters: an array as repeated values (form, explode),
 * an object, or an array item that is one, as JSON text (`events={"name":"x"}`), which is
 * how the JSON parameters (`events`, `breakdowns`, `filters`) are described. openapi-fetch's
 * own serialiser would send such an object as `deepObject` brackets, which the API ignores.
 */
export function jsonQuerySerializer(query: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value])
      search.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  return search.toString();
}

/** An openapi-fetch client of the running test app, sending `as`'s credentials when given. */
export async function apiClient(t: TestApp, as?: Credentials): Promise<ApiClient> {
  const baseUrl = await listen(t);
  const served = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json<Document>();
  const client = createClient<paths>({ baseUrl, headers: as ? authHeaders(as) : undefined, querySerializer: jsonQuerySerializer });
  client.use(conformance(served));
  return client;
}
