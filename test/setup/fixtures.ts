import type { TestApp, Credentials } from './test-app';
import { authHeaders } from './test-app';

export interface CreatedProject {
  id: string;
  writeClient: Credentials;
}

/** Creates a project through the Manage API, as an admin would. */
export async function createProject(t: TestApp, body: Record<string, unknown>, as: Credentials = t.root): Promise<CreatedProject> {
  const res = await t.app.inject({ method: 'POST', url: '/manage/projects', headers: authHeaders(as), payload: body });
  if (res.statusCode !== 201) throw new Error(`createProject: ${res.statusCode} ${res.body}`);
  const data = res.json().data;
  return { id: data.id, writeClient: { id: data.client.id, secret: data.client.secret } };
}

/** Creates an API client through the Manage API. */
export async function createClient(t: TestApp, body: Record<string, unknown>, as: Credentials = t.root): Promise<Credentials> {
  const res = await t.app.inject({ method: 'POST', url: '/manage/clients', headers: authHeaders(as), payload: body });
  if (res.statusCode !== 201) throw new Error(`createClient: ${res.statusCode} ${res.body}`);
  const data = res.json().data;
  return { id: data.id, secret: data.secret };
}
