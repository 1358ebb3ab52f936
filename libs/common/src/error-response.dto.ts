import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetailDto {
  @ApiProperty({
    description: 'Where the problem is: keys and array indexes walking from the root of the input',
    example: ['events', 0, 'name'],
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  })
  path: (string | number)[];

  @ApiProperty({ description: 'What is wrong with that value', example: 'Required' })
  message: string;
}

/** The error body of every OpenPanel-style route: `{ status, error, message, details? }`. */
export class ErrorResponseDto {
  @ApiProperty({
    description: 'HTTP status code, the same as the response status',
    type: 'integer',
    minimum: 400,
    maximum: 599,
    example: 400,
  })
  status: number;

  @ApiProperty({ description: 'HTTP reason phrase of the status', example: 'Bad Request' })
  error: string;

  @ApiProperty({ description: 'What went wrong, prefixed by the API where that helps (`Export: ...`)', example: 'Invalid request' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto], description: 'On a 400 for invalid input: one entry per invalid field' })
  details?: ErrorDetailDto[];
}
