import { ApiProperty } from '@nestjs/swagger';

export class GroupTypesDto {
  @ApiProperty({ type: [String], description: 'Distinct types of the groups, in order', example: ['company', 'team'] })
  types: string[];
}

export class InsightGroupDto {
  @ApiProperty({ example: 'acme' }) id: string;
  @ApiProperty({ example: 'my-website' }) projectId: string;
  @ApiProperty({ example: 'company' }) type: string;
  @ApiProperty({ example: 'Acme Inc.' }) name: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As `group` last set them', example: { plan: 'enterprise' } })
  properties: Record<string, unknown>;
  @ApiProperty({ description: 'When it was first created', example: '2024-04-01T09:12:00.000Z' }) createdAt: string;
  @ApiProperty({ description: 'When `group` last changed it (OpenPanel: its version)', example: '2024-04-02T10:00:00.000Z' })
  updatedAt: string;
}

export class InsightGroupMemberDto {
  @ApiProperty({ example: 'user-42' }) id: string;
  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) avatar: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Ada' }) firstName: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Lovelace' }) lastName: string | null;
  @ApiProperty({ description: 'First seen', example: '2024-04-01T09:12:00.000Z' }) createdAt: string;
  @ApiProperty({
    description: 'Time of its newest event; the last change of the profile when it has none',
    example: '2024-04-03T10:00:00.000Z',
  })
  lastSeenAt: string;
  @ApiProperty({ description: 'true when the id came from the customer, false for a device id' }) isExternal: boolean;
  @ApiProperty({ example: 'my-website' }) projectId: string;
  @ApiProperty({ type: [String] }) groups: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) properties: Record<string, unknown>;
}

export class InsightGroupDetailDto {
  @ApiProperty({ type: InsightGroupDto }) group: InsightGroupDto;
  @ApiProperty({ description: 'All profiles in the group', example: 2 }) member_count: number;
  @ApiProperty({ type: [InsightGroupMemberDto], description: 'Its newest members (by first seen, ties by id), up to memberLimit' })
  members: InsightGroupMemberDto[];
}
