import { Module } from '@nestjs/common';
import { SessionBuilder } from './session-builder.service';

/** Builds `sessions` from `events` in the background (SESSION_BUILD_INTERVAL_MS). */
@Module({ providers: [SessionBuilder], exports: [SessionBuilder] })
export class SessionsModule {}
