import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { CLIENT_MODES, type ClientMode, OrganizationEntity, ProjectEntity } from '@app/database';
import { ClientsService } from '../auth/clients.service';
import { DEFAULT_ORGANIZATION_ID } from '../auth/root-client.bootstrap';
import { loadConfig } from '../config';
import { CliModule } from './cli.module';

const USAGE = 'usage: npm run cli -- create-client --mode root|read|write [--project ID] [--name NAME]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { mode: { type: 'string' }, project: { type: 'string' }, name: { type: 'string' } },
  });
  if (positionals[0] !== 'create-client') fail(`unknown command: ${positionals[0] ?? '(none)'}`);
  const mode = values.mode as ClientMode | undefined;
  if (!mode || !CLIENT_MODES.includes(mode)) fail('--mode must be root, read or write');
  if (mode !== 'root' && !values.project) fail(`a ${mode} client needs --project`);

  const app = await NestFactory.createApplicationContext(CliModule.register(loadConfig()), { logger: ['error', 'warn'] });
  try {
    const dataSource = app.get(DataSource);
    let organizationId = DEFAULT_ORGANIZATION_ID;
    if (values.project) {
      const project = await dataSource.getRepository(ProjectEntity).findOneBy({ id: values.project });
      if (!project) fail(`no project with id ${values.project}`);
      organizationId = project.organizationId;
    } else {
      await dataSource.createQueryBuilder().insert().into(OrganizationEntity).values({ id: organizationId, name: 'Default organization' }).orIgnore().execute();
    }
    const { client, secret } = await app.get(ClientsService).create({
      name: values.name ?? `${mode} client`,
      mode,
      organizationId,
      projectId: values.project ?? null,
    });
    process.stdout.write(`${JSON.stringify({ id: client.id, secret, mode, projectId: client.projectId, organizationId }, null, 2)}\n`);
    process.stderr.write('The secret is shown only now: store it.\n');
  } finally {
    await app.close();
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
