export type { Counter, Limited, Over } from './types.ts';
export { memoryCounter, share } from './memory.ts';
export { RedisOpenError } from './open-error.ts';
