import type { FastifyRequest } from 'fastify';
import type { ClientMode } from '@app/database';

/** What the auth cache keeps about a client and its project. */
export interface AuthClient {
  id: string;
  name: string;
  mode: ClientMode;
  organizationId: string;
  projectId: string | null;
  public: boolean;
  secretHash: string;
  /** Origins of the client's project allowed to ingest without a secret. */
  projectCors: string[];
}

/** Attached to the request by the guard. */
export interface AuthContext {
  client: AuthClient;
  /** true when the request proved the secret (not only an allowed origin or a public client). */
  withSecret: boolean;
  /**
   * The address the request's events are attributed to (client-ip.ts: the sender's
   * `x-client-ip` only with a secret, proxy headers only with TRUST_PROXY).
   */
  ip: string;
}

/** A client id and secret as a wire format carries them (capture APIs), see @DecodedBy. */
export interface IngestCredentials {
  id?: string;
  secret?: string;
}

/**
 * Reads a capture route's request in its wire format: the credentials it keeps in its own
 * places, then the whole body (left on the request for the handler). The guard
 * asks `peek` first and, when it names a client, authenticates it and checks its budget
 * before `decode` inflates and parses the body: decoding is the expensive part, and an
 * unknown caller or one over its budget must not get it for free.
 */
export interface RequestDecoder {
  /** Credentials found without decoding the body: headers, the query, a glance at the body's start. */
  peek(request: FastifyRequest): Promise<IngestCredentials>;
  /** Decodes the body (left on the request for the handler) and names the credentials it carries. */
  decode(request: FastifyRequest): Promise<IngestCredentials>;
}

/** Which API a route belongs to: picks the wording of refusals. */
export type AuthScope = 'ingest' | 'export' | 'manage' | 'import';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}
