export * from './auth.module';
export * from './auth.types';
export * from './client-modes.decorator';
export * from './rate-limit.decorator';
export * from './clients.service';
export * from './project-access.service';
export * from './client-ip';
export * from './origin';
export { DEFAULT_ORGANIZATION_ID } from './root-client.bootstrap';
