import { ApiHideProperty, ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { EXPECTED_STRING, TOO_LONG, TOO_SHORT } from '../../dto/messages';

/** A field a client keeps for life: sending it is a 400 rather than silently ignored. */
function Unchangeable(): PropertyDecorator {
  return ValidateBy({
    name: 'unchangeable',
    validator: { validate: () => false, defaultMessage: () => 'Cannot be changed: delete the client and create a new one' },
  });
}

export class UpdateClientRequestDto {
  @ApiProperty({ example: 'Backend exporter', minLength: 1, maxLength: 255 })
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(255, TOO_LONG)
  name: string;

  @ApiHideProperty()
  @IsOptional()
  @Unchangeable()
  mode?: unknown;

  @ApiHideProperty()
  @IsOptional()
  @Unchangeable()
  type?: unknown;

  @ApiHideProperty()
  @IsOptional()
  @Unchangeable()
  projectId?: unknown;

  @ApiHideProperty()
  @IsOptional()
  @Unchangeable()
  public?: unknown;
}
