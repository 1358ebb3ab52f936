import { ApiProperty } from '@nestjs/swagger';
import { USER_FLOW_MODES, type UserFlowMode } from '@app/analytics';

export class UserFlowNodeDto {
  @ApiProperty({
    description: '`<event>::step<n>`, or `<event>::final` for the end nodes of one name merged',
    example: 'screen_view::step1',
  })
  id: string;
  @ApiProperty({ description: 'The event name', example: 'screen_view' }) label: string;
  @ApiProperty({ description: 'Colour (hex): entry nodes in turn, the others that of the node they were reached from', example: '#2563eb' })
  nodeColor: string;
  @ApiProperty({ description: 'value in percent of the sessions shown (those of the entry nodes), 2 decimals', example: 62.5 })
  percentage: number;
  @ApiProperty({ description: 'Sessions at this node', example: 5 }) value: number;
  @ApiProperty({ description: 'Position in the path, from 1', example: 1 }) step: number;
}

export class UserFlowLinkDto {
  @ApiProperty({ example: 'screen_view::step1' }) source: string;
  @ApiProperty({ example: 'add_to_cart::step2' }) target: string;
  @ApiProperty({ description: 'Sessions that went from source to target', example: 3 }) value: number;
}

export class UserFlowResponseDto {
  @ApiProperty({ enum: USER_FLOW_MODES, enumName: 'UserFlowMode', example: 'after', description: 'As asked (after by default)' })
  mode: UserFlowMode;
  @ApiProperty({ example: 'screen_view' }) startEvent: string;
  @ApiProperty({ type: String, nullable: true, description: 'As given; null when none', example: null }) endEvent: string | null;
  @ApiProperty({ description: 'Length of nodes' }) node_count: number;
  @ApiProperty({ description: 'Length of links' }) link_count: number;
  @ApiProperty({ type: [UserFlowNodeDto], description: 'By step, then value (largest first)' }) nodes: UserFlowNodeDto[];
  @ApiProperty({ type: [UserFlowLinkDto], description: 'By step, then source, then value (largest first)' }) links: UserFlowLinkDto[];
}
