import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { CLIENT_ID_SCHEME, CLIENT_SECRET_SCHEME } from '../auth';

const DESCRIPTION = `Self-hostable product analytics, wire-compatible with OpenPanel's public API.

**Quick start**: click *Authorize*, paste a client id and secret (a root client is printed
in the server log on first start, or create one with \`npm run cli -- create-client --mode root\`),
then use *Try it out* on any route.

Client modes: \`write\` sends events, \`read\` exports its project's data, \`root\` manages its
organisation. Errors have the shape \`{ status, error, message, details? }\`.`;

function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}

/** The one place the OpenAPI document is built (served at /docs-json, written by `npm run openapi`). */
export function buildOpenApiDocument(app: INestApplication, version = '0.1.0'): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Analytics API (OpenPanel-compatible)')
    .setDescription(DESCRIPTION)
    .setVersion(version)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'openpanel-client-id', description: 'Client id (UUID)' }, CLIENT_ID_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'openpanel-client-secret', description: 'Client secret (sec_...)' }, CLIENT_SECRET_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  return sortKeys(document);
}

export function setupSwaggerUi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Analytics API',
    swaggerOptions: { persistAuthorization: true, displayOperationId: true, tryItOutEnabled: true },
  });
}
