import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorResponseDto } from '@app/common';
import { AuthScopeOf, ClientModes, RateLimit } from '../../auth';
import { SuccessResponseDto } from '../dto/success.response.dto';
import { UuidParamDto } from '../dto/uuid.param.dto';
import { ClientDto, ClientListResponseDto, ClientResponseDto, CreatedClientResponseDto } from './dto/client.response.dto';
import { CreateClientRequestDto } from './dto/create-client.request.dto';
import { ListClientsQueryDto } from './dto/list-clients.query.dto';
import { UpdateClientRequestDto } from './dto/update-client.request.dto';
import { ManageClientsService } from './manage-clients.service';

@ApiTags('Manage: clients')
@AuthScopeOf('manage')
@RateLimit('manage')
@ClientModes('root')
@Controller('manage/clients')
export class ClientsController {
  constructor(private readonly clients: ManageClientsService) {}

  @Get()
  @ApiOperation({ operationId: 'listClients', summary: 'List API clients', description: 'Newest first. Secrets and their hashes are never returned.' })
  @ApiResponse({ status: 200, type: ClientListResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Project not found' })
  async list(@Req() req: FastifyRequest, @Query() query: ListClientsQueryDto): Promise<ClientListResponseDto> {
    const clients = await this.clients.list(req.auth!.client.organizationId, query.projectId);
    return { data: clients.map(ClientDto.from) };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getClient', summary: 'Get an API client', description: 'Without its secret, which is shown only on creation.' })
  @ApiResponse({ status: 200, type: ClientResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'The id is not a UUID' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Client not found' })
  async get(@Req() req: FastifyRequest, @Param() params: UuidParamDto): Promise<ClientResponseDto> {
    return { data: ClientDto.from(await this.clients.get(req.auth!.client.organizationId, params.id)) };
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

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateClient',
    summary: 'Rename an API client',
    description: 'Only the name changes. To change a mode or a project, delete the client and create another.',
  })
  @ApiResponse({ status: 200, type: ClientResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Client not found' })
  async update(@Req() req: FastifyRequest, @Param() params: UuidParamDto, @Body() body: UpdateClientRequestDto): Promise<ClientResponseDto> {
    return { data: ClientDto.from(await this.clients.rename(req.auth!.client.organizationId, params.id, body.name)) };
  }

  @Delete(':id')
  @ApiOperation({
    operationId: 'deleteClient',
    summary: 'Delete an API client',
    description: 'Permanent and effective at once: the next request with its credentials is refused. A client cannot delete itself.',
  })
  @ApiResponse({ status: 200, type: SuccessResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'The id is not a UUID' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Client not found' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'The client tried to delete itself' })
  async remove(@Req() req: FastifyRequest, @Param() params: UuidParamDto): Promise<SuccessResponseDto> {
    const { client } = req.auth!;
    await this.clients.remove(client.organizationId, params.id, client.id);
    return { success: true };
  }
}
