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
}

/** A client id and secret as a wire format carries them (capture APIs), see @CredentialsFrom. */
export interface IngestCredentials {
  id?: string;
  secret?: string;
}

/** Finds the credentials of a route whose wire format keeps them in its own places. */
export interface CredentialsReader {
  read(request: FastifyRequest): Promise<IngestCredentials>;
}

/** Which API a route belongs to: picks the wording of refusals. */
export type AuthScope = 'ingest' | 'export' | 'manage';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}
