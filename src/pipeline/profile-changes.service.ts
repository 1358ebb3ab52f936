import { Injectable } from '@nestjs/common';
import type { GroupUpdate, ProfileUpdate } from '@app/ingest';
import type { IngestSource } from './ingest.types';
import { ProfilesService } from './profiles.service';
import { stored } from './store-outage';

/**
 * The profile and group changes a source asks for, on behalf of its project: an id that was
 * made an alias of another changes the profile it stands for, and a failing store is a 503.
 */
@Injectable()
export class ProfileChanges {
  constructor(private readonly profiles: ProfilesService) {}

  /** identify: upsert of the profile (PostgreSQL), mirrored to ClickHouse. */
  async identify(source: IngestSource, update: ProfileUpdate): Promise<void> {
    await stored(async () =>
      this.profiles.identify(source.projectId, { ...update, profileId: await this.profiles.resolve(source.projectId, update.profileId) }),
    );
  }

  /** increment (delta > 0) / decrement (delta < 0) of a numeric profile property, atomically. */
  async increment(source: IngestSource, profileId: string, property: string, delta: number): Promise<void> {
    await stored(async () =>
      this.profiles.increment(source.projectId, await this.profiles.resolve(source.projectId, profileId), property, delta),
    );
  }

  /** Later events sent under `alias` are attributed to `profileId`. */
  async alias(source: IngestSource, profileId: string, alias: string): Promise<void> {
    await stored(() => this.profiles.alias(source.projectId, profileId, alias));
  }

  async upsertGroup(source: IngestSource, group: GroupUpdate): Promise<void> {
    await stored(() => this.profiles.upsertGroup(source.projectId, group));
  }

  /** Adds groups to a profile; `isExternal` false when the id is a device id. */
  async assignGroups(source: IngestSource, profileId: string, groupIds: string[], isExternal = true): Promise<void> {
    await stored(async () =>
      this.profiles.assignGroups(source.projectId, await this.profiles.resolve(source.projectId, profileId), groupIds, isExternal),
    );
  }
}
