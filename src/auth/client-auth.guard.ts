import { type CanActivate, type ExecutionContext, Inject, Injectable, type Type } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, isUuid } from '@app/common';
import type { ClientMode } from '@app/database';
import { APP_CONFIG, type AppConfig } from '../config';
import { AuthFailureLimiter } from './auth-failures';
import type { AuthClient, AuthContext, AuthScope, RequestDecoder, IngestCredentials } from './auth.types';
import { clientIp } from './client-ip';
import { AUTH_SCOPE_KEY, CLIENT_MODES_KEY, REQUEST_DECODER_KEY, MODE_REFUSAL, PUBLIC_KEY } from './client-modes.decorator';
import { ClientsService } from './clients.service';
import { firstHeader } from './headers';
import { IngestRateLimiter } from './ingest-rate-limit';
import { originAllowed } from './origin';
import { RateLimitStore } from './rate-limit.store';

interface RouteRule {
  isPublic: boolean;
  modes?: ClientMode[];
  scope: AuthScope;
  decoder?: Type<RequestDecoder>;
}

const PREFIX: Record<AuthScope, string> = { ingest: 'Ingestion', export: 'Export', manage: 'Manage', import: 'Import' };

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
 *
 * For ingestion it also answers the browser (CORS for an allowed origin) and checks the
 * opt-in ingestion budget, and for capture routes it does all of that before the body is
 * decoded (see RequestDecoder).
 */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  /** @DecodedBy decoders, resolved once. */
  private readonly decoders = new Map<Type<RequestDecoder>, RequestDecoder>();
  private readonly rules = new WeakMap<object, RouteRule>();
  private readonly failures: AuthFailureLimiter;
  private readonly ingestBudget?: IngestRateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly clients: ClientsService,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    store: RateLimitStore,
  ) {
    this.failures = new AuthFailureLimiter(config.authFailures);
    if (config.ingestRateLimit) this.ingestBudget = new IngestRateLimiter(config.ingestRateLimit, store);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.ruleOf(context);
    if (rule.isPublic) return true;
    if (!rule.modes) throw ApiError.unauthorized('This route declares no access rule');
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (rule.scope !== 'ingest') {
      request.auth = await this.authenticate(request, rule, this.headerCredentials(request, false));
      return true;
    }
    request.auth = await this.authenticateIngest(request, http.getResponse<FastifyReply>(), rule);
    return true;
  }

  /**
   * Ingestion: identify and prove the client, then its budget, then (capture routes) decode the
   * body; the key the decoded body names is authenticated anew when it is another one (PostHog:
   * the batch's `api_key` wins over `?token=`).
   */
  private async authenticateIngest(req: FastifyRequest, reply: FastifyReply, rule: RouteRule): Promise<AuthContext> {
    const decoder = rule.decoder ? this.decoder(rule.decoder) : undefined;
    const first = decoder ? await decoder.peek(req) : this.headerCredentials(req, true);
    if (!decoder) return this.admit(req, reply, rule, first);
    if (first.id) {
      const auth = await this.admit(req, reply, rule, first);
      const named = await decoder.decode(req);
      if (!named.id || (named.id.toLowerCase() === auth.client.id && named.secret === first.secret)) return auth;
      return this.admit(req, reply, rule, named);
    }
    // No key outside the body: decoding it to find one is work that an address which keeps
    // failing must not get. The try is charged to the address up front (whatever then fails:
    // the decoding or the key) and given back once the request is admitted.
    const charged = this.failures.begin([`ip:${req.ip}`]);
    const auth = await this.admit(req, reply, rule, await decoder.decode(req), true);
    charged();
    return auth;
  }

  private async admit(
    req: FastifyRequest,
    reply: FastifyReply,
    rule: RouteRule,
    given: IngestCredentials,
    addressCharged = false,
  ): Promise<AuthContext> {
    const auth = await this.authenticate(req, rule, given, addressCharged);
    this.allowBrowser(req, reply, auth.client);
    if (this.ingestBudget) await this.ingestBudget.check(auth.client.id, auth.ip, reply);
    return auth;
  }

  /** An allowed browser origin (or any, for a public client) may read the answer. */
  private allowBrowser(req: FastifyRequest, reply: FastifyReply, client: AuthClient): void {
    const origin = firstHeader(req, 'origin');
    if (!origin || !(client.public || originAllowed(origin, client.projectCors))) return;
    void reply.header('access-control-allow-origin', origin);
    void reply.header('vary', 'Origin');
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
        decoder: this.reflector.getAllAndOverride<Type<RequestDecoder> | undefined>(REQUEST_DECODER_KEY, targets),
      };
      this.rules.set(handler, rule);
    }
    return rule;
  }

  private decoder(type: Type<RequestDecoder>): RequestDecoder {
    const decoder = this.decoders.get(type) ?? this.moduleRef.get(type, { strict: false });
    if (!decoder) throw new Error(`${type.name} is not a provider`);
    this.decoders.set(type, decoder);
    return decoder;
  }

  /** OpenPanel's headers (and, on /track, the body's `clientId` / `clientSecret`). */
  private headerCredentials(req: FastifyRequest, ingest: boolean): IngestCredentials {
    return {
      id: firstHeader(req, 'openpanel-client-id', 'mixan-client-id') ?? (ingest ? bodyField(req, 'clientId') : undefined),
      secret: firstHeader(req, 'openpanel-client-secret', 'mixan-client-secret') ?? (ingest ? bodyField(req, 'clientSecret') : undefined),
    };
  }

  /**
   * Who is calling, proven. Work that costs the node is counted by AuthFailureLimiter and
   * refused with a 429 before it starts once a key keeps failing: looking up an id never seen
   * (per caller address), hashing a secret not verified yet (per client id).
   */
  private async authenticate(req: FastifyRequest, rule: RouteRule, given: IngestCredentials, addressCharged = false): Promise<AuthContext> {
    const { scope, modes = [] } = rule;
    const prefix = PREFIX[scope];
    const ingest = scope === 'ingest';
    const { id, secret } = given;
    if (!id) throw ApiError.unauthorized(`${prefix}: Missing client id`);
    if (!isUuid(id)) throw ApiError.unauthorized(`${prefix}: Client id must be a UUID`);

    // The caller's own address (not one it names): what a guesser cannot choose.
    const address = addressCharged ? [] : [`ip:${req.ip}`];
    const clientId = id.toLowerCase();
    let client = await this.clients.cachedForAuth(clientId);
    if (client === undefined) {
      // Only ids never seen are guesses; refreshing a known client's cached row is not.
      const found = this.clients.wasKnown(clientId) ? undefined : this.failures.begin(address);
      client = await this.clients.findForAuth(clientId);
      if (client) found?.();
    }
    if (!client) throw ApiError.unauthorized('Invalid client credentials');

    let withSecret = false;
    if (secret) {
      if (!this.clients.isVerified(client, secret)) {
        // Per client id, not per address: only real ids cost a hash, and a guesser sharing
        // an address (a NAT, a proxy) with real senders must not shut them out.
        const verified = this.failures.begin([`client:${client.id}`]);
        if (!(await this.clients.checkSecret(client, secret))) throw ApiError.unauthorized('Invalid client credentials');
        verified();
      }
      withSecret = true;
    } else if (!ingest) {
      throw ApiError.unauthorized(`${prefix}: Missing client secret`);
    } else if (!client.public) {
      const origin = firstHeader(req, 'origin');
      if (!origin) throw ApiError.unauthorized(`${prefix}: Missing client secret`);
      if (!originAllowed(origin, client.projectCors))
        throw ApiError.unauthorized(`${prefix}: Origin ${origin} is not allowed for this client`);
    }

    if (!modes.includes(client.mode)) throw ApiError.unauthorized(MODE_REFUSAL[scope]);
    if (ingest && !client.projectId) throw ApiError.unauthorized(`${prefix}: Client has no project to send events to`);
    return { client, withSecret, ip: clientIp(req.headers, req.ip, { sender: withSecret, proxy: this.config.trustProxy }) };
  }
}
