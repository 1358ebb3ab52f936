import { Body, Controller, Get, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorResponseDto } from '@app/common';
import { AuthScopeOf, ClientModes, RateLimit } from '../../auth';
import { ClientDto, ClientListResponseDto, CreatedClientResponseDto } from './dto/client.response.dto';
import { CreateClientRequestDto } from './dto/create-client.request.dto';
import { ListClientsQueryDto } from './dto/list-clients.query.dto';
import { ManageClientsService } from './manage-clients.service';

@ApiTags('Manage: clients')
@AuthScopeOf('manage')
@RateLimit('manage')
@ClientModes('root')
@Controller('manage/clients')
export class ClientsController {
  constructor(private readonly clients: ManageClientsService) {}

  @Get()
  @ApiOperation({ operationId: 'listClients', summary: 'List API clients', description: 'Secrets and their hashes are never returned.' })
  @ApiResponse({ status: 200, type: ClientListResponseDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Project not found' })
  async list(@Req() req: FastifyRequest, @Query() query: ListClientsQueryDto): Promise<ClientListResponseDto> {
    const clients = await this.clients.list(req.auth!.client.organizationId, query.projectId);
    return { data: clients.map(ClientDto.from) };
  }

  @Post()
  @ApiOperation({ operationId: 'createClient', summary: 'Create an API client', description: 'The secret is in this answer only.' })
  @ApiResponse({ status: 201, type: CreatedClientResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Project not found' })
  async create(@Req() req: FastifyRequest, @Body() body: CreateClientRequestDto): Promise<CreatedClientResponseDto> {
    const { client, secret } = await this.clients.create(req.auth!.client.organizationId, body);
    return { data: { ...ClientDto.from(client), secret } };
  }
}
