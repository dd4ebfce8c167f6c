export { openSqliteStore } from './sqlite.ts';
export { type Session, type Store, StoreError, type Stored, type TrackInput } from './types.ts';
