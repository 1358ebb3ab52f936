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

/** Which API a route belongs to: picks the wording of refusals. */
export type AuthScope = 'ingest' | 'export' | 'manage';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}
