import { IsString, MaxLength, MinLength } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';

export class InsightProjectParamsDto {
  @ApiProperty({
    description:
      "The project's id. A client bound to another project gets 403 (OpenPanel silently reads the client's own), an unknown project 404.",
    example: 'my-website',
    maxLength: 128,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  projectId: string;
}
