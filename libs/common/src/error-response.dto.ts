import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetailDto {
  @ApiProperty({ description: 'Where the problem is, from the root of the input', example: ['events', 0, 'name'], type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } })
  path: (string | number)[];

  @ApiProperty({ example: 'Required' })
  message: string;
}

/** The error body of every OpenPanel-style route. */
export class ErrorResponseDto {
  @ApiProperty({ description: 'HTTP status code', example: 401 })
  status: number;

  @ApiProperty({ description: 'HTTP reason phrase', example: 'Unauthorized' })
  error: string;

  @ApiProperty({ description: 'What went wrong', example: 'Invalid client credentials' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto], description: 'One entry per invalid field' })
  details?: ErrorDetailDto[];
}
