import { ApiProperty } from '@nestjs/swagger';
import type { ErrorSpec } from '../../openapi/api-errors.decorator';
import { IsUUID } from 'class-validator';
import { INVALID_UUID } from './messages';

/** `:id` of clients and references: a malformed id is a 400 naming `id`, not a 404. */
export class UuidParamDto {
  @ApiProperty({ format: 'uuid', example: '1af09627-2dd7-4b37-9e5c-6ffa7e450e85' })
  @IsUUID('all', INVALID_UUID)
  id: string;
}

/** The documented 400 of a route whose `:id` is a UuidParamDto, with the pipe's own wording. */
export const NOT_A_UUID: ErrorSpec = {
  status: 400,
  description: 'The id is not a UUID',
  message: 'Invalid path parameters',
  details: [{ path: ['id'], message: 'Invalid uuid' }],
};
