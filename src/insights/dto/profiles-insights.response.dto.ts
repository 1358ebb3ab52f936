import { ApiProperty } from '@nestjs/swagger';

/** A profile as OpenPanel's insights show it: its stored row, snake_case, times in ISO 8601 (UTC). */
export class InsightProfileRowDto {
  @ApiProperty({ example: 'user-42' }) id: string;
  @ApiProperty({ type: String, nullable: true, example: 'Ada' }) first_name: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Lovelace' }) last_name: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) avatar: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As identify last set them', example: { plan: 'pro' } })
  properties: Record<string, unknown>;
  @ApiProperty({ example: 'my-website' }) project_id: string;
  @ApiProperty({ description: 'true when the id came from the customer (identify), false for a device id' }) is_external: boolean;
  @ApiProperty({ description: 'First seen: when the profile was created', example: '2024-04-01T09:12:00.000Z' }) created_at: string;
  @ApiProperty({
    description: 'Time of its newest event; the last change of the profile when it has none',
    example: '2024-04-03T10:00:00.000Z',
  })
  last_seen_at: string;
  @ApiProperty({ type: [String], description: 'Ids of the groups it belongs to' }) groups: string[];
}

/** One of a profile's events, as the events table holds it; times are UTC, as the engine prints them. */
export class InsightProfileEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'screen_view' }) name: string;
  @ApiProperty() device_id: string;
  @ApiProperty() profile_id: string;
  @ApiProperty() project_id: string;
  @ApiProperty() session_id: string;
  @ApiProperty() path: string;
  @ApiProperty() origin: string;
  @ApiProperty() referrer: string;
  @ApiProperty() referrer_name: string;
  @ApiProperty() referrer_type: string;
  @ApiProperty() revenue: number;
  @ApiProperty() duration: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) properties: Record<string, string>;
  @ApiProperty({ example: '2024-04-01 09:12:00.000' }) created_at: string;
  @ApiProperty() country: string;
  @ApiProperty() city: string;
  @ApiProperty() region: string;
  @ApiProperty() os: string;
  @ApiProperty() os_version: string;
  @ApiProperty() browser: string;
  @ApiProperty() browser_version: string;
  @ApiProperty() device: string;
  @ApiProperty() brand: string;
  @ApiProperty() model: string;
  @ApiProperty({ type: [String] }) groups: string[];
}

export class InsightProfileDetailDto {
  @ApiProperty({ type: InsightProfileRowDto }) profile: InsightProfileRowDto;
  @ApiProperty({ type: [InsightProfileEventDto], description: 'Its newest events, newest first, ties by id' })
  recentEvents: InsightProfileEventDto[];
}

export class InsightProfileMetricsDto {
  @ApiProperty({ example: 'user-42' }) profileId: string;
  @ApiProperty({ type: String, nullable: true, description: 'created_at of the profile; null for an unknown one' }) firstSeen:
    string | null;
  @ApiProperty({ type: String, nullable: true, description: 'last_seen_at of the profile; null for an unknown one' }) lastSeen:
    string | null;
  @ApiProperty({ description: 'Its sessions, each once' }) sessions: number;
  @ApiProperty({ description: 'Its screen_view events' }) screenViews: number;
  @ApiProperty({ description: 'All its events' }) totalEvents: number;
  @ApiProperty({ description: 'Its events other than screen_view, session_start and session_end' }) conversionEvents: number;
  @ApiProperty({ description: "Distinct days of the project's calendar with one of its events" }) uniqueDaysActive: number;
  @ApiProperty({ description: 'Mean duration of its sessions that lasted (duration > 0), minutes, 2 decimals' })
  avgSessionDurationMin: number;
  @ApiProperty({ description: '90th percentile of the same durations (linear between ranks), minutes, 2 decimals' })
  p90SessionDurationMin: number;
  @ApiProperty({ description: 'Events (screen views and others) its sessions hold, per session, 2 decimals' }) avgEventsPerSession: number;
  @ApiProperty({ description: 'Mean gap between the starts of consecutive sessions, seconds, 2 decimals; 0 with fewer than two' })
  avgTimeBetweenSessionsSec: number;
  @ApiProperty({ description: 'Percent of its sessions that bounced, 2 decimals' }) bounceRate: number;
  @ApiProperty({ description: 'Sum of its revenue events' }) revenue: number;
}
