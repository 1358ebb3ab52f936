import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CLIENT_MODES, type ClientMode } from '@app/database';
import { EXPECTED_BOOLEAN, EXPECTED_STRING, TOO_LONG, TOO_SHORT } from '../../dto/messages';

const MODE_MESSAGE = { message: `Expected one of ${CLIENT_MODES.join(', ')}` };

export class CreateClientRequestDto {
  @ApiProperty({ example: 'Backend exporter', minLength: 1, maxLength: 255 })
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(255, TOO_LONG)
  name: string;

  @ApiPropertyOptional({ description: 'Project the client is bound to; omit for an organisation-wide client', example: 'my-website' })
  @IsOptional()
  @IsString(EXPECTED_STRING)
  @MaxLength(128, TOO_LONG)
  projectId?: string;

  @ApiPropertyOptional({
    enum: CLIENT_MODES,
    description: '`write` sends events, `read` exports, `root` manages the organisation. `type` is accepted as an alias. Default: write.',
  })
  @IsOptional()
  @IsIn(CLIENT_MODES, MODE_MESSAGE)
  mode?: ClientMode;

  @ApiPropertyOptional({ enum: CLIENT_MODES, deprecated: true, description: 'Alias of `mode`' })
  @IsOptional()
  @IsIn(CLIENT_MODES, MODE_MESSAGE)
  type?: ClientMode;

  @ApiPropertyOptional({ description: 'Ingestion without secret or origin check (public SDK keys). Default: false.' })
  @IsOptional()
  @IsBoolean(EXPECTED_BOOLEAN)
  public?: boolean;
}
