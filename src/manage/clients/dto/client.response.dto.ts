import { ApiProperty } from '@nestjs/swagger';
import { CLIENT_MODES, type ClientEntity, type ClientMode } from '@app/database';

/** A client as shown after creation: never its secret or the secret's hash. */
export class ClientDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Backend exporter' })
  name: string;

  @ApiProperty({ enum: CLIENT_MODES })
  mode: ClientMode;

  @ApiProperty({ nullable: true, type: String, example: 'my-website' })
  projectId: string | null;

  @ApiProperty({ example: 'default' })
  organizationId: string;

  @ApiProperty()
  public: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;

  static from(c: ClientEntity): ClientDto {
    return {
      id: c.id,
      name: c.name,
      mode: c.mode,
      projectId: c.projectId,
      organizationId: c.organizationId,
      public: c.public,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}

export class ClientListResponseDto {
  @ApiProperty({ type: [ClientDto] })
  data: ClientDto[];
}

export class ClientResponseDto {
  @ApiProperty({ type: ClientDto })
  data: ClientDto;
}

export class CreatedClientDto extends ClientDto {
  @ApiProperty({ example: 'sec_0123456789abcdef', description: 'Shown once; store it now' })
  secret: string;
}

export class CreatedClientResponseDto {
  @ApiProperty({ type: CreatedClientDto })
  data: CreatedClientDto;
}
