import type { BotResponseDto } from '../dto/track.response.dto';
import type { LegacyOutcome } from './legacy.service';

/**
 * The body of a legacy route's 202 (each route sets @HttpCode(202)): OpenPanel's plain text
 * (Fastify sends a string as text/plain), or the JSON `{ bot }` of /track for a bot that was
 * not counted.
 */
export function legacyAnswer(outcome: LegacyOutcome): string | BotResponseDto {
  return outcome.kind === 'bot' ? { bot: outcome.bot } : outcome.text;
}
