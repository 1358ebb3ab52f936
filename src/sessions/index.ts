export * from './sessions.module';
export * from './session-builder.service';
