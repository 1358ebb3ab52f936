import { AuditEntryEntity } from './audit-entry.entity';
import { ClientEntity } from './client.entity';
import { ErasureEntity } from './erasure.entity';
import { EventMetaEntity } from './event-meta.entity';
import { GroupEntity } from './group.entity';
import { OrganizationEntity } from './organization.entity';
import { ProfileAliasEntity } from './profile-alias.entity';
import { ProfileEntity } from './profile.entity';
import { ProjectEntity } from './project.entity';
import { ReferenceEntity } from './reference.entity';
import { SaltEntity } from './salt.entity';

export * from './audit-entry.entity';
export * from './client.entity';
export * from './erasure.entity';
export * from './event-meta.entity';
export * from './group.entity';
export * from './organization.entity';
export * from './profile-alias.entity';
export * from './profile.entity';
export * from './project.entity';
export * from './reference.entity';
export * from './salt.entity';

export const ENTITIES = [
  OrganizationEntity,
  ProjectEntity,
  ClientEntity,
  ReferenceEntity,
  SaltEntity,
  ProfileEntity,
  ProfileAliasEntity,
  GroupEntity,
  EventMetaEntity,
  AuditEntryEntity,
  ErasureEntity,
];
