import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { EXPECTED_STRING, TOO_LONG, TOO_SHORT } from '../../dto/messages';

export class ListErasuresQueryDto {
  @ApiProperty({ description: 'The project whose erasures to list', example: 'my-project' })
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(128, TOO_LONG)
  projectId: string;
}
