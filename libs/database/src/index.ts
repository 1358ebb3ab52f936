export * from './entities';
export * from './embedded-postgres';
export * from './data-source-options';
export * from './database.module';
export * from './project-store';
export * from './profile-alias-store';
export * from './erasure-store';
