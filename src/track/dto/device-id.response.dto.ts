import { ApiProperty } from '@nestjs/swagger';

/** OpenPanel's wording of each GET /track/device-id answer. */
export const DEVICE_ID_MESSAGES = {
  current: 'current session exists for this device id',
  previous: 'previous session exists for this device id',
  none: 'No session exists for this device id',
} as const;

export class DeviceIdResponseDto {
  /**
   * The device id events from this user agent and address get.
   * @example 3f1c0b6e8a2d4f5e9b7c1a0d2e4f6a8b3f1c0b6e8a2d4f5e9b7c1a0d2e4f6a8b
   */
  deviceId: string;
  /**
   * The device's live session; empty when it has none.
   * @example 0b6f3c1e-8a2d-4f5e-9b7c-1a0d2e4f6a8b
   */
  sessionId: string;
  @ApiProperty({
    description: 'Whether a live session was found under today’s device id, under yesterday’s, or not at all',
    enum: Object.values(DEVICE_ID_MESSAGES),
    example: DEVICE_ID_MESSAGES.current,
  })
  message: string;
}
