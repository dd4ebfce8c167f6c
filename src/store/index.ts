export { openSqliteStore } from './sqlite.ts';
export { type Session, type Store, StoreError, type Stored, type TrackInput } from './types.ts';
export { StoreOpenError } from './open-errors.ts';
