import { type CanActivate, type ExecutionContext, Injectable, type Type } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiError, isUuid } from '@app/common';
import type { ClientMode } from '@app/database';
import type { AuthContext, AuthScope, CredentialsReader, IngestCredentials } from './auth.types';
import { AUTH_SCOPE_KEY, CLIENT_MODES_KEY, CREDENTIALS_FROM_KEY, MODE_REFUSAL, PUBLIC_KEY } from './client-modes.decorator';
import { ClientsService } from './clients.service';
import { originAllowed } from './origin';
import { firstHeader } from './headers';

interface RouteRule {
  isPublic: boolean;
  modes?: ClientMode[];
  scope: AuthScope;
  reader?: Type<CredentialsReader>;
}

const PREFIX: Record<AuthScope, string> = { ingest: 'Ingestion', export: 'Export', manage: 'Manage' };

function bodyField(req: FastifyRequest, name: string): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const v = body && typeof body === 'object' ? body[name] : undefined;
  return typeof v === 'string' && v ? v : undefined;
}

/**
 * The one gate of every route. A route declares @Public() or @ClientModes(...); a route
 * with neither is refused (fail closed). The guard identifies the client, proves it
 * (secret, allowed origin or public client for ingestion), checks its mode and leaves the
 * result on `request.auth` for the rate limiter and the handlers.
 */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  /** @CredentialsFrom readers, resolved once. */
  private readonly readers = new Map<Type<CredentialsReader>, CredentialsReader>();
  private readonly rules = new WeakMap<object, RouteRule>();

  constructor(
    private readonly reflector: Reflector,
    private readonly clients: ClientsService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, modes, scope, reader } = this.ruleOf(context);
    if (isPublic) return true;
    if (!modes) throw ApiError.unauthorized('This route declares no access rule');
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const given = reader ? await this.reader(reader).read(request) : undefined;
    request.auth = await this.authenticate(request, scope, modes, given);
    return true;
  }

  /** A handler's access rule, reflected once per handler (metadata does not change at run time). */
  private ruleOf(context: ExecutionContext): RouteRule {
    const handler = context.getHandler();
    let rule = this.rules.get(handler);
    if (!rule) {
      const targets = [handler, context.getClass()];
      rule = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
        modes: this.reflector.getAllAndOverride<ClientMode[] | undefined>(CLIENT_MODES_KEY, targets),
        scope: this.reflector.getAllAndOverride<AuthScope | undefined>(AUTH_SCOPE_KEY, targets) ?? 'manage',
        reader: this.reflector.getAllAndOverride<Type<CredentialsReader> | undefined>(CREDENTIALS_FROM_KEY, targets),
      };
      this.rules.set(handler, rule);
    }
    return rule;
  }

  private reader(type: Type<CredentialsReader>): CredentialsReader {
    const reader = this.readers.get(type) ?? this.moduleRef.get(type, { strict: false });
    if (!reader) throw new Error(`${type.name} is not a provider`);
    this.readers.set(type, reader);
    return reader;
  }

  /** `given`: credentials a @CredentialsFrom reader found in the wire format, instead of the headers. */
  private async authenticate(req: FastifyRequest, scope: AuthScope, modes: ClientMode[], given?: IngestCredentials): Promise<AuthContext> {
    const prefix = PREFIX[scope];
    const ingest = scope === 'ingest';
    const id = given ? given.id : firstHeader(req, 'openpanel-client-id', 'mixan-client-id') ?? (ingest ? bodyField(req, 'clientId') : undefined);
    const secret = given ? given.secret : firstHeader(req, 'openpanel-client-secret', 'mixan-client-secret') ?? (ingest ? bodyField(req, 'clientSecret') : undefined);
    if (!id) throw ApiError.unauthorized(`${prefix}: Missing client id`);
    if (!isUuid(id)) throw ApiError.unauthorized(`${prefix}: Client id must be a UUID`);

    const client = await this.clients.findForAuth(id.toLowerCase());
    if (!client) throw ApiError.unauthorized('Invalid client credentials');

    let withSecret = false;
    if (secret) {
      if (!(await this.clients.checkSecret(client, secret))) throw ApiError.unauthorized('Invalid client credentials');
      withSecret = true;
    } else if (!ingest) {
      throw ApiError.unauthorized(`${prefix}: Missing client secret`);
    } else if (!client.public) {
      const origin = firstHeader(req, 'origin');
      if (!origin) throw ApiError.unauthorized(`${prefix}: Missing client secret`);
      if (!originAllowed(origin, client.projectCors)) throw ApiError.unauthorized(`${prefix}: Origin ${origin} is not allowed for this client`);
    }

    if (!modes.includes(client.mode)) throw ApiError.unauthorized(MODE_REFUSAL[scope]);
    if (ingest && !client.projectId) throw ApiError.unauthorized(`${prefix}: Client has no project to send events to`);
    return { client, withSecret };
  }
}
