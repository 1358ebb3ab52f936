import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { EXPECTED_STRING, TOO_LONG, TOO_SHORT } from '../../dto/messages';

export class CreateErasureRequestDto {
  @ApiProperty({ description: 'The project the person belongs to', example: 'my-project', minLength: 1, maxLength: 128 })
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(128, TOO_LONG)
  projectId: string;

  @ApiProperty({
    description: 'The profile id of the person (its aliases are erased with it)',
    example: 'user-123',
    minLength: 1,
    maxLength: 255,
  })
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(255, TOO_LONG)
  profileId: string;
}
