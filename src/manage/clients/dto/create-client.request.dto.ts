import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CLIENT_MODES, type ClientMode } from '@app/database';

export class CreateClientRequestDto {
  @ApiProperty({ example: 'Backend exporter', minLength: 1, maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({ description: 'Project the client is bound to; omit for an organisation-wide client', example: 'my-website' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  projectId?: string;

  @ApiPropertyOptional({ enum: CLIENT_MODES, default: 'write', description: '`type` is accepted as an alias' })
  @Transform(({ value, obj }) => value ?? obj.type ?? 'write')
  @IsIn(CLIENT_MODES)
  mode: ClientMode = 'write';

  @ApiPropertyOptional({ enum: CLIENT_MODES, deprecated: true, description: 'Alias of `mode`' })
  @IsOptional()
  @IsIn(CLIENT_MODES)
  type?: ClientMode;

  @ApiPropertyOptional({ default: false, description: 'Ingestion without secret or origin check (public SDK keys)' })
  @IsOptional()
  @IsBoolean()
  public?: boolean;
}
