import { OmitType, PartialType } from '@nestjs/swagger';
import { CreateReferenceRequestDto } from './create-reference.request.dto';

/**
 * `title`, `description` and `datetime`, each optional; `description: null` clears it.
 * skipNullProperties: false keeps the rules of `title` and `datetime` for null, so they
 * cannot be erased. A reference stays in its project.
 */
export class UpdateReferenceRequestDto extends PartialType(OmitType(CreateReferenceRequestDto, ['projectId'] as const), {
  skipNullProperties: false,
}) {}
