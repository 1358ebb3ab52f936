import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { CLIENT_MODES, type ClientEntity, type ClientMode, DEFAULT_ORGANIZATION_ID, ProjectStore } from '@app/database';
import { ClientsService } from '../auth/clients.service';
import { loadConfig } from '../config';
import { CliModule } from './cli.module';
import { IMPORT_USAGE, runImport } from './import-command';

const USAGE = `usage: npm run -s cli -- create-client --mode root|read|write [--project ID] [--name NAME]
       npm run -s cli -- create-organization NAME

create-client creates an API client and prints it as JSON on stdout: id, secret (shown only
now), mode, projectId, organizationId. A read or write client belongs to a project (--project,
the project's id, e.g. my-site); a root client to none, in the default organisation.
create-organization creates an organisation and its first root client, printed the same way.
Both work while the server runs: on the embedded database they go through the running
server's database. Both are recorded in the audit log (with no client id).
Uses the same environment as the server (DATA_DIR, DATABASE_URL).

${IMPORT_USAGE}`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parse(): ReturnType<typeof parseOptions> {
  try {
    return parseOptions();
  } catch (e) {
    fail((e as Error).message);
  }
}

function parseOptions() {
  return parseArgs({
    allowPositionals: true,
    options: {
      mode: { type: 'string' },
      project: { type: 'string' },
      name: { type: 'string' },
      url: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      rows: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function main(): Promise<void> {
  const { positionals, values } = parse();
  if (values.help || positionals[0] === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals[0] === 'import') return importFile(positionals, values);
  if (positionals[0] === 'create-organization') return createOrganization(positionals.slice(1).join(' ').trim());
  if (positionals[0] !== 'create-client') fail(`unknown command: ${positionals[0] ?? '(none)'}`);
  const mode = values.mode as ClientMode | undefined;
  if (!mode || !CLIENT_MODES.includes(mode)) fail('--mode must be root, read or write');
  if (mode !== 'root' && !values.project) fail(`a ${mode} client needs --project`);

  const app = await openContext();
  try {
    const projects = app.get(ProjectStore);
    let organizationId = DEFAULT_ORGANIZATION_ID;
    if (values.project) {
      const project = await projects.byId(values.project);
      if (!project) fail(`no project with id ${values.project}`);
      organizationId = project.organizationId;
    } else {
      await projects.ensureDefaultOrganization();
    }
    const { client, secret } = await app
      .get(ClientsService)
      .createAudited({ name: values.name ?? `${mode} client`, mode, organizationId, projectId: values.project ?? null }, null);
    printClient(client, secret);
  } finally {
    await app.close();
  }
}

async function importFile(positionals: string[], values: ReturnType<typeof parseOptions>['values']): Promise<void> {
  const file = positionals[1];
  if (!file) fail('import needs a FILE');
  const clientId = values['client-id'] ?? process.env.OPENPANEL_CLIENT_ID;
  const clientSecret = values['client-secret'] ?? process.env.OPENPANEL_CLIENT_SECRET;
  if (!clientId || !clientSecret) fail('import needs --client-id and --client-secret (or OPENPANEL_CLIENT_ID and OPENPANEL_CLIENT_SECRET)');
  const rowsPerRequest = values.rows === undefined ? 100_000 : Number(values.rows);
  if (!Number.isSafeInteger(rowsPerRequest) || rowsPerRequest < 1) fail('--rows must be a positive integer');
  const url = values.url ?? `http://127.0.0.1:${loadConfig().port}`;
  const totals = await runImport({ file, project: values.project, url, clientId, clientSecret, rowsPerRequest });
  process.stdout.write(`${JSON.stringify(totals, null, 2)}\n`);
}

async function createOrganization(name: string): Promise<void> {
  if (!name) fail('create-organization needs a NAME');
  if (name.length > 255) fail('the organisation name is longer than 255 characters');
  const app = await openContext();
  try {
    const { client, secret } = await app.get(ClientsService).createOrganization(name);
    printClient(client, secret);
  } finally {
    await app.close();
  }
}

function openContext() {
  // Nest's own logger would print a failed start-up as a stack trace: the error's message is
  // what an operator needs, and main() prints it.
  return NestFactory.createApplicationContext(CliModule.register(loadConfig()), { logger: false, abortOnError: false });
}

function printClient(client: ClientEntity, secret: string): void {
  const { id, mode, projectId, organizationId } = client;
  process.stdout.write(`${JSON.stringify({ id, secret, mode, projectId, organizationId }, null, 2)}\n`);
  process.stderr.write('The secret is shown only now: store it.\n');
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
