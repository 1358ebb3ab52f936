import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DEFAULT_ORGANIZATION_ID, ProjectStore } from '@app/database';
import { APP_CONFIG, type AppConfig } from '../config';
import { ClientsService } from './clients.service';

/**
 * First credentials. With ROOT_CLIENT_ID/ROOT_CLIENT_SECRET set, that root client is created
 * if missing (organisation `default`). Without them, a database with no client at all gets a
 * generated root client whose id and secret are logged once, so a fresh `npm start` is
 * usable straight away.
 */
@Injectable()
export class RootClientBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly projects: ProjectStore,
    private readonly clients: ClientsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const wanted = this.config.rootClient;
    if (await this.clients.exists(wanted?.id)) return;
    await this.projects.ensureDefaultOrganization();
    const { client, secret } = await this.clients.create({
      id: wanted?.id,
      secret: wanted?.secret,
      name: 'Root client',
      mode: 'root',
      organizationId: DEFAULT_ORGANIZATION_ID,
    });
    if (wanted) {
      this.logger.log(`created root client ${client.id} from ROOT_CLIENT_ID`);
    } else {
      // The credentials stand on lines of their own, outside the structured log, where a person
      // reading the output finds them; the log line says where they are without repeating
      // the secret, so a log store never holds it.
      process.stdout.write(
        `\nNo API client existed, so a root client was created. Save these now, the secret is not shown again:\n\n` +
          `  openpanel-client-id:     ${client.id}\n  openpanel-client-secret: ${secret}\n\n`,
      );
      this.logger.warn(`created root client ${client.id}; its secret was printed once, on the lines above`);
    }
  }
}
