import { ApiProperty } from '@nestjs/swagger';

/** The answer of every Manage delete. */
export class SuccessResponseDto {
  @ApiProperty({ example: true, enum: [true] })
  success: true;
}
