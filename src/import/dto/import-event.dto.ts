import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * One row of an import, as `/export/events` emits an event. Each field may also be given under
 * OpenPanel's ClickHouse column name (snake_case: `device_id`, `created_at`, `referrer_name`, …).
 * Only `name` and `createdAt` are required.
 */
export class ImportEventDto {
  @ApiPropertyOptional({
    description:
      'Event id: a UUID is kept; other text maps to a stable UUID; without one, the id is derived from the row, so importing it again stores nothing twice',
    format: 'uuid',
  })
  id?: string;

  @ApiProperty({ description: 'Event name (`session_start` and `session_end` are skipped)', maxLength: 255, example: 'purchase' })
  name: string;

  @ApiProperty({
    description:
      'When it happened: ISO 8601 with a zone, `YYYY-MM-DD hh:mm:ss[.sss]` (UTC) or epoch milliseconds; from 2000, at most a day ahead',
    example: '2025-03-01T12:00:00.000Z',
  })
  createdAt: string;

  @ApiPropertyOptional({ description: 'Device id; without one, derived from `ip` and `userAgent`, else the profile id', maxLength: 255 })
  deviceId?: string;

  @ApiPropertyOptional({
    description: 'Profile id; a profile is created for it when unknown (unless it equals the device id: an anonymous visitor)',
    maxLength: 255,
  })
  profileId?: string;

  @ApiPropertyOptional({ description: 'Session id, kept as given; sessions are built from event time either way', maxLength: 255 })
  sessionId?: string;

  @ApiPropertyOptional({
    description: 'Properties: string values as exported, or nested objects (flattened with dots)',
    type: 'object',
    additionalProperties: true,
  })
  properties?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Page path, or a full URL (then split into path, origin and `__query.*` properties)' })
  path?: string;

  @ApiPropertyOptional({ description: 'Page origin, `https://example.com`' })
  origin?: string;

  @ApiPropertyOptional({ description: 'Referrer URL; its name and type are derived when both are absent' })
  referrer?: string;

  @ApiPropertyOptional()
  referrerName?: string;

  @ApiPropertyOptional()
  referrerType?: string;

  @ApiPropertyOptional({ description: 'Used to fill country, city, region and coordinates when the row has none of them; not stored' })
  ip?: string;

  @ApiPropertyOptional({ description: 'Used to fill os, browser, device, brand and model when the row has none of them; not stored' })
  userAgent?: string;

  @ApiPropertyOptional()
  country?: string;

  @ApiPropertyOptional()
  countryCode?: string;

  @ApiPropertyOptional()
  city?: string;

  @ApiPropertyOptional()
  region?: string;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: -180, maximum: 180 })
  longitude?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: -90, maximum: 90 })
  latitude?: number | null;

  @ApiPropertyOptional()
  os?: string;

  @ApiPropertyOptional()
  osVersion?: string;

  @ApiPropertyOptional()
  browser?: string;

  @ApiPropertyOptional()
  browserVersion?: string;

  @ApiPropertyOptional()
  device?: string;

  @ApiPropertyOptional()
  brand?: string;

  @ApiPropertyOptional()
  model?: string;

  @ApiPropertyOptional({ description: 'Milliseconds, a non-negative integer' })
  duration?: number;

  @ApiPropertyOptional({ description: 'Revenue in cents, a non-negative integer' })
  revenue?: number;

  @ApiPropertyOptional()
  sdkName?: string;

  @ApiPropertyOptional()
  sdkVersion?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 100 })
  groups?: string[];
}
