import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INTERVALS, type Interval } from '@app/analytics';

/** OpenPanel's `Metrics`, field names included. */
export class WebMetricsDto {
  @ApiProperty({ description: 'Sessions with at most one screen view, in percent of all sessions (2 decimals)', example: 41.5 })
  bounce_rate: number;

  @ApiProperty({ description: 'Distinct visitors: identified profiles, and devices for anonymous ones (exact)', example: 1204 })
  unique_visitors: number;

  @ApiProperty({ description: 'Sessions that started in the window (or bucket)', example: 1873 })
  total_sessions: number;

  @ApiProperty({ description: 'Mean duration in seconds of the sessions longer than zero (2 decimals)', example: 184.2 })
  avg_session_duration: number;

  @ApiProperty({ description: 'Screen views of those sessions', example: 5120 })
  total_screen_views: number;

  @ApiProperty({ description: 'total_screen_views / total_sessions (2 decimals)', example: 2.73 })
  views_per_session: number;

  @ApiProperty({ description: 'Revenue of those sessions (sum of their `revenue` events, in the unit sent)', example: 129900 })
  total_revenue: number;
}

export class WebSeriesPointDto extends WebMetricsDto {
  @ApiProperty({ description: "Start of the bucket, ISO 8601 with the project's offset", example: '2024-04-01T00:00:00.000+02:00' })
  date: string;
}

export class OverviewResponseDto {
  @ApiProperty({ type: WebMetricsDto, description: 'The whole window (visitors counted once over it, not summed)' })
  summary: WebMetricsDto;

  @ApiProperty({ type: [WebSeriesPointDto], description: 'Every bucket of the window, zero-filled, by session start' })
  series: WebSeriesPointDto[];

  @ApiProperty({ enum: INTERVALS, enumName: 'ChartInterval', example: 'day' })
  interval: Interval;

  @ApiProperty({ description: 'First instant of the window', example: '2024-04-01T00:00:00.000+02:00' })
  startDate: string;

  @ApiProperty({ description: 'Last instant of the window (inclusive)', example: '2024-04-30T23:59:59.999+02:00' })
  endDate: string;
}

export class LegacyMetricsResponseDto {
  @ApiProperty({ type: WebMetricsDto })
  metrics: WebMetricsDto;

  @ApiProperty({ type: [WebSeriesPointDto] })
  series: WebSeriesPointDto[];
}

export class InsightsLiveResponseDto {
  @ApiProperty({ description: 'Distinct visitors with an event in the last 5 minutes', example: 12 })
  visitors: number;
}

export class BreakdownRowDto {
  @ApiPropertyOptional({
    description: 'The enclosing value: country of a region or city, browser of a version, os of a version',
    example: 'Germany',
  })
  prefix?: string;

  @ApiProperty({ type: String, nullable: true, description: 'The value; null for sessions without one', example: 'Google' })
  name: string | null;

  @ApiProperty({ example: 412 })
  sessions: number;

  @ApiProperty({ description: 'Screen views of those sessions', example: 1301 })
  pageviews: number;

  @ApiProperty({ description: 'Revenue of those sessions', example: 0 })
  revenue: number;
}

export class PageRowDto {
  @ApiProperty({ example: 'https://shop.example.com' })
  origin: string;

  @ApiProperty({ example: '/pricing' })
  path: string;

  @ApiProperty({ example: 230 })
  sessions: number;

  @ApiProperty({ example: 310 })
  pageviews: number;

  @ApiProperty({ example: 0 })
  revenue: number;
}

/** A session as OpenPanel's sessions table holds it; times are UTC, as the engine prints them. */
export class SessionRowDto {
  @ApiProperty({ example: '6f9619ff-8b86-4011-b42d-00c04fc964ff' }) id: string;
  @ApiProperty({ example: 'my-website' }) project_id: string;
  @ApiProperty() device_id: string;
  @ApiProperty({ description: 'The identified profile once known, else the device id' }) profile_id: string;
  @ApiProperty({ description: 'First event, UTC', example: '2024-04-01 09:12:00.000' }) created_at: string;
  @ApiProperty({ description: 'Last event, UTC', example: '2024-04-01 09:15:04.250' }) ended_at: string;
  @ApiProperty({ description: 'ended_at − created_at, in milliseconds', example: 184250 }) duration: number;
  @ApiProperty() event_count: number;
  @ApiProperty() screen_view_count: number;
  @ApiProperty({ description: '1 when the session has at most one screen view' }) is_bounce: number;
  @ApiProperty() entry_origin: string;
  @ApiProperty() entry_path: string;
  @ApiProperty() exit_origin: string;
  @ApiProperty() exit_path: string;
  @ApiProperty() referrer: string;
  @ApiProperty() referrer_name: string;
  @ApiProperty() referrer_type: string;
  @ApiProperty() utm_source: string;
  @ApiProperty() utm_medium: string;
  @ApiProperty() utm_campaign: string;
  @ApiProperty() utm_content: string;
  @ApiProperty() utm_term: string;
  @ApiProperty() country: string;
  @ApiProperty() country_code: string;
  @ApiProperty() region: string;
  @ApiProperty() city: string;
  @ApiProperty({ type: Number, nullable: true }) longitude: number | null;
  @ApiProperty({ type: Number, nullable: true }) latitude: number | null;
  @ApiProperty() os: string;
  @ApiProperty() os_version: string;
  @ApiProperty() browser: string;
  @ApiProperty() browser_version: string;
  @ApiProperty() device: string;
  @ApiProperty() brand: string;
  @ApiProperty() model: string;
  @ApiProperty({ description: 'Sum of the revenue events of the session' }) revenue: number;
}

export class SeoSignalsDto {
  @ApiProperty({ description: 'bounce_rate above 70' }) high_bounce: boolean;
  @ApiProperty({ description: 'avg_duration below 1 minute' }) low_engagement: boolean;
  @ApiProperty({ description: 'bounce_rate below 40 and avg_duration above 2 minutes' }) good_landing_page: boolean;
}

export class PagePerformanceDto {
  @ApiProperty({ example: 'https://shop.example.com' }) origin: string;
  @ApiProperty({ example: '/pricing' }) path: string;
  @ApiProperty({ description: 'The latest non-empty `__title` seen in the window', example: 'Pricing' }) title: string;
  @ApiProperty({ description: 'Distinct sessions that viewed the page', example: 230 }) sessions: number;
  @ApiProperty({ example: 310 }) pageviews: number;
  @ApiProperty({ description: 'Mean minutes until the next screen view of the session (0 for its last), 2 decimals', example: 1.25 })
  avg_duration: number;
  @ApiProperty({ description: "Percent of the page's sessions that bounced, 2 decimals", example: 35.5 }) bounce_rate: number;
  @ApiProperty({ type: SeoSignalsDto }) seo_signals: SeoSignalsDto;
}

export class PagePerformanceResponseDto {
  @ApiProperty({ description: 'Pages matching the search', example: 42 }) total_pages: number;
  @ApiProperty({ description: 'Pages in this answer', example: 42 }) shown: number;
  @ApiProperty({ type: [PagePerformanceDto] }) pages: PagePerformanceDto[];
}
