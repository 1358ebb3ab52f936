import { ApiProperty } from '@nestjs/swagger';

export class FunnelStepResponseDto {
  @ApiProperty({ description: 'Position of the step, from 1', example: 2 })
  step: number;

  @ApiProperty({ description: "The step's event name", example: 'checkout' })
  eventName: string;

  @ApiProperty({ description: 'Sessions or profiles (per `groupBy`) that reached this step in order, within the window', example: 420 })
  users: number;

  @ApiProperty({ description: 'users of this step in percent of step 1 (0 to 100, 2 decimals; 0 when step 1 has none)', example: 35 })
  conversionRateFromStart: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: "Share of this step's users that did not reach the next one, in percent (2 decimals); null on the last step",
    example: 61.9,
  })
  dropoffPercent: number | null;

  @ApiProperty({
    description: 'The first step that loses the most users (by count) to the next; none when no step loses any',
    example: true,
  })
  isHighestDropoff: boolean;
}

export class FunnelResponseDto {
  @ApiProperty({ type: [FunnelStepResponseDto], description: 'Every step asked for, in order (zeros when nobody entered)' })
  steps: FunnelStepResponseDto[];

  @ApiProperty({ description: 'users of step 1', example: 1200 })
  totalUsers: number;

  @ApiProperty({ description: 'users of the last step', example: 160 })
  completedUsers: number;

  @ApiProperty({ description: 'completedUsers in percent of totalUsers (2 decimals; 0 when none)', example: 13.33 })
  overallConversionRate: number;
}
