import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditAction, type AuditEntryEntity, type AuditTargetType } from '@app/database';

/** One recorded change: who, what, on which target, which fields (never their values). */
export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the change was committed' })
  time: string;

  @ApiProperty({ example: 'default' })
  organizationId: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The client that made the change; null for the command line' })
  clientId: string | null;

  @ApiProperty({ enum: AUDIT_ACTIONS, enumName: 'AuditAction', example: 'project.update' })
  action: AuditAction;

  @ApiProperty({ enum: AUDIT_TARGET_TYPES, enumName: 'AuditTargetType', example: 'project' })
  targetType: AuditTargetType;

  @ApiProperty({ description: 'Id of the target (an event name for event meta)', example: 'my-website' })
  targetId: string;

  @ApiProperty({ type: String, nullable: true, example: 'my-website' })
  projectId: string | null;

  @ApiProperty({
    type: [String],
    description: 'Names of the fields that changed (for a creation, those set); never their values',
    example: ['name', 'cors'],
  })
  changes: string[];

  static from(e: AuditEntryEntity): AuditEntryDto {
    return {
      id: e.id,
      time: e.time.toISOString(),
      organizationId: e.organizationId,
      clientId: e.clientId,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      projectId: e.projectId,
      changes: e.changes,
    };
  }
}

export class AuditPageMetaDto {
  @ApiProperty({ description: 'Rows in this page', example: 100 })
  count: number;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  cursor: string | null;
}

export class AuditListResponseDto {
  @ApiProperty({ type: [AuditEntryDto], description: 'Newest first' })
  data: AuditEntryDto[];

  @ApiProperty({ type: AuditPageMetaDto })
  meta: AuditPageMetaDto;
}
