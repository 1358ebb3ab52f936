import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class EventsPageMetaDto {
  @ApiProperty({ description: 'Events in this page', example: 50 })
  count: number;

  @ApiProperty({ description: 'Events matching the query, whatever the page or limit', example: 1250 })
  totalCount: number;

  @ApiProperty({ example: 25 })
  pages: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'This page number; null after a cursor that carries none', example: 1 })
  current: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  cursor: string | null;
}

export class EventProfileDto {
  @ApiProperty({ example: 'user_789' })
  id: string;

  @ApiProperty({ type: String, nullable: true, example: 'user@example.com' })
  email: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'John' })
  firstName: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Doe' })
  lastName: string | null;

  @ApiProperty({ type: String, nullable: true })
  avatar: string | null;

  @ApiProperty({ description: 'The id came from the customer (identify), not from a device' })
  isExternal: boolean;

  @ApiProperty({ type: 'object', additionalProperties: true })
  properties: Record<string, unknown>;

  @ApiProperty({ type: [String] })
  groups: string[];

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class EventMetaInfoDto {
  @ApiProperty({ example: 'screen_view' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'Page view tracking' })
  description: string | null;

  @ApiProperty({ example: false })
  conversion: boolean;
}

export class ExportedEventDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'screen_view' })
  name: string;

  @ApiProperty()
  deviceId: string;

  @ApiProperty({ description: "'' for anonymous events" })
  profileId: string;

  @ApiProperty()
  projectId: string;

  @ApiProperty({ description: "'' when the event has no session" })
  sessionId: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Flattened with dots (`__query.utm_source`)' })
  properties: Record<string, string>;

  @ApiProperty({ type: String, format: 'date-time', example: '2024-04-15T10:30:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: 'United States' })
  country: string;

  @ApiProperty({ example: 'US' })
  countryCode: string;

  @ApiProperty({ example: 'New York' })
  city: string;

  @ApiProperty({ example: 'New York' })
  region: string;

  @ApiProperty({ type: Number, nullable: true })
  longitude: number | null;

  @ApiProperty({ type: Number, nullable: true })
  latitude: number | null;

  @ApiProperty({ example: 'macOS' })
  os: string;

  @ApiProperty()
  osVersion: string;

  @ApiProperty({ example: 'Chrome' })
  browser: string;

  @ApiProperty()
  browserVersion: string;

  @ApiProperty({ example: 'desktop' })
  device: string;

  @ApiProperty()
  brand: string;

  @ApiProperty()
  model: string;

  @ApiProperty({ description: 'Milliseconds' })
  duration: number;

  @ApiProperty()
  revenue: number;

  @ApiProperty({ example: '/dashboard' })
  path: string;

  @ApiProperty({ example: 'https://example.com' })
  origin: string;

  @ApiProperty()
  referrer: string;

  @ApiProperty()
  referrerName: string;

  @ApiProperty()
  referrerType: string;

  @ApiProperty()
  sdkName: string;

  @ApiProperty()
  sdkVersion: string;

  @ApiProperty({ type: [String] })
  groups: string[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set for imported events' })
  importedAt: string | null;

  @ApiPropertyOptional({
    type: EventProfileDto,
    nullable: true,
    description: 'With `includes=profile`; null when the event has no stored profile',
  })
  profile?: EventProfileDto | null;

  @ApiPropertyOptional({
    type: EventMetaInfoDto,
    nullable: true,
    description: 'With `includes=meta`; null when the project did not describe this event',
  })
  meta?: EventMetaInfoDto | null;
}

export class ExportEventsResponseDto {
  @ApiProperty({ type: EventsPageMetaDto })
  meta: EventsPageMetaDto;

  @ApiProperty({ type: [ExportedEventDto], description: 'Newest first, ties broken by id' })
  data: ExportedEventDto[];
}
