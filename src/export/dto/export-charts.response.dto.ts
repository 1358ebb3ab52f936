import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PreviousValueDto {
  @ApiProperty({ description: 'The value of the previous period', example: 1100 })
  value: number;

  @ApiProperty({ description: 'Signed change from the previous value in percent, 2 decimals (+/-100 from 0)', example: 13.64 })
  change: number;

  @ApiProperty({ description: 'Absolute change in percent, 1 decimal', example: 13.6 })
  diff: number;

  @ApiProperty({ enum: ['positive', 'negative', 'neutral'], example: 'positive' })
  state: 'positive' | 'negative' | 'neutral';
}

export class PreviousMetricsDto {
  @ApiProperty({ type: PreviousValueDto })
  sum: PreviousValueDto;

  @ApiProperty({ type: PreviousValueDto })
  average: PreviousValueDto;

  @ApiProperty({ type: PreviousValueDto })
  min: PreviousValueDto;

  @ApiProperty({ type: PreviousValueDto })
  max: PreviousValueDto;
}

export class ChartMetricsDto {
  @ApiProperty({ example: 1250 })
  sum: number;

  @ApiProperty({ description: 'Mean per bucket, 2 decimals', example: 41.67 })
  average: number;

  @ApiProperty({ example: 12 })
  min: number;

  @ApiProperty({ example: 89 })
  max: number;

  @ApiPropertyOptional({ type: PreviousMetricsDto, description: 'With `previous=true`' })
  previous?: PreviousMetricsDto;
}

export class ChartPointDto {
  @ApiProperty({
    description: 'Start of the bucket, ISO 8601 with the project time zone offset (`Z` for UTC)',
    example: '2024-04-01T00:00:00.000Z',
  })
  date: string;

  @ApiProperty({ example: 45 })
  count: number;

  @ApiPropertyOptional({ type: PreviousValueDto, description: 'The bucket at the same position of the previous period' })
  previous?: PreviousValueDto;
}

export class ChartSeriesEventDto {
  @ApiProperty({ example: 'evt1' })
  id: string;

  @ApiProperty({ example: 'screen_view' })
  name: string;
}

export class ChartSeriesDto {
  @ApiProperty({ description: 'Readable and unique within the response', example: 'screen_view-united-states' })
  id: string;

  @ApiProperty({ type: [String], description: 'The event name, then one label per breakdown', example: ['screen_view', 'United States'] })
  names: string[];

  @ApiProperty({ type: ChartSeriesEventDto })
  event: ChartSeriesEventDto;

  @ApiProperty({ type: ChartMetricsDto })
  metrics: ChartMetricsDto;

  @ApiProperty({ type: [ChartPointDto], description: 'Every bucket of the range, zero-filled' })
  data: ChartPointDto[];
}

export class ExportChartsResponseDto {
  @ApiProperty({ type: [ChartSeriesDto] })
  series: ChartSeriesDto[];

  @ApiProperty({ type: ChartMetricsDto, description: 'Sum of the series sums, mean of their averages, min of minima, max of maxima' })
  metrics: ChartMetricsDto;
}
