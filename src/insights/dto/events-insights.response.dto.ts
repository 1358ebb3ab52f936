import { ApiProperty } from '@nestjs/swagger';
import { FILTERABLE_EVENT_COLUMNS } from '@app/analytics';

/** An event as OpenPanel's events table holds it, its column names included; times are UTC. */
export class InsightEventRowDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'screen_view' }) name: string;
  @ApiProperty({ example: 'web' }) sdk_name: string;
  @ApiProperty({ example: '1.0.0' }) sdk_version: string;
  @ApiProperty() device_id: string;
  @ApiProperty({ description: "'' for anonymous events" }) profile_id: string;
  @ApiProperty({ example: 'my-website' }) project_id: string;
  @ApiProperty({ description: "'' when the event has no session" }) session_id: string;
  @ApiProperty({ type: [String] }) groups: string[];
  @ApiProperty({ example: '/pricing' }) path: string;
  @ApiProperty({ example: 'https://example.com' }) origin: string;
  @ApiProperty() referrer: string;
  @ApiProperty() referrer_name: string;
  @ApiProperty() referrer_type: string;
  @ApiProperty({ description: 'In the unit sent' }) revenue: number;
  @ApiProperty({ description: 'Milliseconds' }) duration: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Flattened with dots (`__query.utm_source`)' })
  properties: Record<string, string>;
  @ApiProperty({ description: 'UTC, `YYYY-MM-DD HH:mm:ss.SSS`', example: '2024-04-15 10:30:00.000' }) created_at: string;
  @ApiProperty({ example: 'Germany' }) country: string;
  @ApiProperty({ example: 'Berlin' }) city: string;
  @ApiProperty() region: string;
  @ApiProperty({ type: Number, nullable: true }) longitude: number | null;
  @ApiProperty({ type: Number, nullable: true }) latitude: number | null;
  @ApiProperty({ example: 'macOS' }) os: string;
  @ApiProperty() os_version: string;
  @ApiProperty({ example: 'Chrome' }) browser: string;
  @ApiProperty() browser_version: string;
  @ApiProperty({ example: 'desktop' }) device: string;
  @ApiProperty() brand: string;
  @ApiProperty() model: string;
  @ApiProperty({ type: String, nullable: true, description: 'When the event was imported (UTC, same form), null for tracked ones' })
  imported_at: string | null;
}

export class EventPropertyKeyDto {
  @ApiProperty({ example: '__query.utm_source' }) property_key: string;
  @ApiProperty({ example: 'screen_view' }) event_name: string;
}

export class EventPropertiesResponseDto {
  @ApiProperty({ type: [String], description: 'The event columns filters can name', example: [...FILTERABLE_EVENT_COLUMNS] })
  columns: string[];

  @ApiProperty({ type: [EventPropertyKeyDto], description: 'Distinct (key, event name) pairs, by key then name, at most 500' })
  properties: EventPropertyKeyDto[];
}

export class EventPropertyValuesResponseDto {
  @ApiProperty({ example: 'screen_view' }) event: string;
  @ApiProperty({ example: '__query.utm_source' }) property: string;
  @ApiProperty({ type: [String], description: 'Distinct non-empty values, most recently seen first, at most 200' })
  values: string[];
}
