export * from './dates';
export * from './session-fields';
export * from './session-source';
export * from './web-sql';
export * from './session-list-sql';
export * from './profiles-sql';
export * from './events-sql';
export * from './profile-filters';
