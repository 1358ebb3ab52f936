import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, AuthScopeOf, ClientModes, CurrentClient, RateLimit } from '../../auth';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import { SuccessResponseDto } from '../dto/success.response.dto';
import { NOT_A_UUID, UuidParamDto } from '../dto/uuid.param.dto';
import { ClientDto, ClientListResponseDto, ClientResponseDto, CreatedClientResponseDto } from './dto/client.response.dto';
import { CreateClientRequestDto } from './dto/create-client.request.dto';
import { ListClientsQueryDto } from './dto/list-clients.query.dto';
import { UpdateClientRequestDto } from './dto/update-client.request.dto';
import { ManageClientsService } from './manage-clients.service';

const ID_PARAM = { name: 'id', format: 'uuid', description: 'Client id (also its `openpanel-client-id`)' };
const NOT_FOUND: [404, string] = [404, 'Client not found'];

@ApiTags('Manage: clients')
@AuthScopeOf('manage')
@RateLimit('manage')
@ClientModes('root')
@Controller('manage/clients')
export class ClientsController {
  constructor(private readonly clients: ManageClientsService) {}

  @Get()
  @ApiOperation({
    operationId: 'listClients',
    summary: 'List API clients',
    description: 'Newest first. Secrets and their hashes are never returned.',
  })
  @ApiResponse({ status: 200, type: ClientListResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async list(@CurrentClient() auth: AuthContext, @Query() query: ListClientsQueryDto): Promise<ClientListResponseDto> {
    const clients = await this.clients.list(auth.client.organizationId, query.projectId);
    return { data: clients.map(ClientDto.from) };
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getClient',
    summary: 'Get an API client',
    description: 'Without its secret, which is shown only on creation.',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ClientResponseDto })
  @ApiErrors(NOT_A_UUID, NOT_FOUND)
  async get(@CurrentClient() auth: AuthContext, @Param() params: UuidParamDto): Promise<ClientResponseDto> {
    return { data: ClientDto.from(await this.clients.get(auth.client.organizationId, params.id)) };
  }

  @Post()
  @ApiOperation({ operationId: 'createClient', summary: 'Create an API client', description: 'The secret is in this answer only.' })
  @ApiResponse({ status: 201, type: CreatedClientResponseDto })
  @ApiErrors(400, [404, 'Project not found'], 413)
  async create(@CurrentClient() auth: AuthContext, @Body() body: CreateClientRequestDto): Promise<CreatedClientResponseDto> {
    const { client, secret } = await this.clients.create(auth.client.organizationId, body, auth.client.id);
    return { data: { ...ClientDto.from(client), secret } };
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateClient',
    summary: 'Rename an API client',
    description: 'Only the name changes. To change a mode or a project, delete the client and create another.',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ClientResponseDto })
  @ApiErrors(400, NOT_FOUND, 413)
  async update(
    @CurrentClient() auth: AuthContext,
    @Param() params: UuidParamDto,
    @Body() body: UpdateClientRequestDto,
  ): Promise<ClientResponseDto> {
    return { data: ClientDto.from(await this.clients.rename(auth.client.organizationId, params.id, body.name, auth.client.id)) };
  }

  @Delete(':id')
  @ApiOperation({
    operationId: 'deleteClient',
    summary: 'Delete an API client',
    description: 'Permanent and effective at once: the next request with its credentials is refused. A client cannot delete itself.',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: SuccessResponseDto })
  @ApiErrors(NOT_A_UUID, NOT_FOUND, {
    status: 409,
    description: 'The client tried to delete itself',
    message: 'A client cannot delete itself: use another root client, so that the organisation keeps one',
  })
  async remove(@CurrentClient() auth: AuthContext, @Param() params: UuidParamDto): Promise<SuccessResponseDto> {
    const { client } = auth;
    await this.clients.remove(client.organizationId, params.id, client.id);
    return { success: true };
  }
}
