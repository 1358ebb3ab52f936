export class TrackResponseDto {
  /** The device the event was attributed to (a daily-salted hash, or the client's own id). */
  deviceId: string;
  /** The session of the event; empty for events from the past, server events and profile calls. */
  sessionId: string;
}

export class BotInfoDto {
  /** @example Googlebot */
  name: string;
  /** @example crawler */
  type: string;
}

export class BotResponseDto {
  bot: BotInfoDto;
}

export class RejectedItemDto {
  /** Position of the item in `items`. */
  index: number;
  error: string;
}

export class TrackBatchResponseDto {
  accepted: number;
  rejected: RejectedItemDto[];
}
