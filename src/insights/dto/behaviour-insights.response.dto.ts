import { ApiProperty } from '@nestjs/swagger';

export class RetentionPointDto {
  @ApiProperty({ description: "Start of the period, ISO 8601 with the project's offset", example: '2024-04-01T00:00:00.000+02:00' })
  date: string;

  @ApiProperty({ description: 'Identified profiles with an event in the period (inside the window)', example: 120 })
  active_users: number;

  @ApiProperty({ description: 'Of those, the profiles with an event in the period after it', example: 42 })
  retained_users: number;

  @ApiProperty({ description: '100 × retained_users / active_users, in percent (2 decimals; 0 without active users)', example: 35 })
  retention: number;
}

export class RetentionCohortRowDto {
  @ApiProperty({
    description: "`Weighted Average` in the first row, else the start of the cohort's period (ISO 8601 with the project's offset)",
    example: '2024-04-01T00:00:00.000+02:00',
  })
  cohort_interval: string;

  @ApiProperty({ description: 'Profiles of the cohort (the first row: the mean size of the cohorts, 2 decimals)', example: 80 })
  sum: number;

  @ApiProperty({
    type: [Number],
    description: 'Column k: profiles of the cohort seen k or more periods after it (the first row: percentage × mean size)',
    example: [80, 40, 22],
  })
  values: number[];

  @ApiProperty({ type: [Number], description: 'values / sum, fractions from 0 to 1 (2 decimals)', example: [1, 0.5, 0.28] })
  percentages: number[];
}

export class ActiveUsersPointDto {
  @ApiProperty({
    description: "The day, as the instant it starts (ISO 8601 with the project's offset)",
    example: '2024-04-01T00:00:00.000+02:00',
  })
  date: string;

  @ApiProperty({
    description: 'Distinct users (profiles, a device for anonymous ones) with an event in the window_days days ending with it',
    example: 311,
  })
  users: number;
}

export class ActiveUsersResponseDto {
  @ApiProperty({ description: 'The `days` asked', example: 7 })
  window_days: number;

  @ApiProperty({ description: '`DAU` (1 day), `WAU` (7), `MAU` (30), else `<n>d active`', example: 'WAU' })
  label: string;

  @ApiProperty({ type: [ActiveUsersPointDto], description: 'Every day of the window, oldest first' })
  series: ActiveUsersPointDto[];
}

export class EngagementSummaryDto {
  @ApiProperty({ description: 'Identified profiles with at least one event', example: 500 })
  total_identified_users: number;

  @ApiProperty({ description: 'Last seen 0 to 7 days ago', example: 210 })
  active_last_7_days: number;

  @ApiProperty({ description: 'Last seen 8 to 14 days ago', example: 60 })
  active_8_to_14_days: number;

  @ApiProperty({ description: 'Last seen 15 to 30 days ago', example: 70 })
  active_15_to_30_days: number;

  @ApiProperty({ description: 'Last seen 31 to 60 days ago', example: 80 })
  inactive_31_to_60_days: number;

  @ApiProperty({ description: 'Last seen more than 60 days ago', example: 80 })
  churned_60_plus_days: number;
}

export class EngagementPointDto {
  @ApiProperty({ description: "Days since last seen, in the project's calendar (0: today)", example: 3 })
  days: number;

  @ApiProperty({ description: 'Identified profiles last seen that many days ago', example: 17 })
  users: number;
}

export class EngagementResponseDto {
  @ApiProperty({ type: EngagementSummaryDto })
  summary: EngagementSummaryDto;

  @ApiProperty({ type: [EngagementPointDto], description: 'One row per number of days that has profiles, fewest days first' })
  distribution: EngagementPointDto[];
}
