import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, AuthScopeOf, ClientModes, CurrentClient, RateLimit } from '../../auth';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import { AuditService } from './audit.service';
import { ListAuditQueryDto } from './dto/audit.query.dto';
import { AuditEntryDto, AuditListResponseDto } from './dto/audit.response.dto';

@ApiTags('Manage: audit')
@AuthScopeOf('manage')
@RateLimit('manage')
@ClientModes('root')
@Controller('manage/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAudit',
    summary: "List the organisation's audit log",
    description:
      'Every change made through /manage and the command line (and erasures and imports), newest first: who (client id), ' +
      'what (action, target, project) and which fields changed, never their values. Keyset paging with `cursor`.',
  })
  @ApiResponse({ status: 200, type: AuditListResponseDto })
  @ApiErrors({
    status: 400,
    description: 'Invalid query parameters (a bad `cursor`, a `limit` outside 1..1000, an unknown `action`)',
    message: 'Invalid query parameters',
    details: [{ path: ['cursor'], message: 'Invalid cursor' }],
  })
  async list(@CurrentClient() auth: AuthContext, @Query() query: ListAuditQueryDto): Promise<AuditListResponseDto> {
    const { rows, cursor } = await this.audit.page(auth.client.organizationId, query);
    return { data: rows.map(AuditEntryDto.from), meta: { count: rows.length, cursor } };
  }
}
