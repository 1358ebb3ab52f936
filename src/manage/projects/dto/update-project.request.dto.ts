import { PartialType } from '@nestjs/swagger';
import { CreateProjectRequestDto } from './create-project.request.dto';

/**
 * Any field of the creation body. `name: null` is refused (skipNullProperties: false keeps
 * its rules for null); null resets `cors`, `types` and `crossDomain` to their defaults and
 * clears `domain` and `timezone`. The id never changes.
 */
export class UpdateProjectRequestDto extends PartialType(CreateProjectRequestDto, { skipNullProperties: false }) {}
