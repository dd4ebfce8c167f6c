import { z } from '@hono/zod-openapi';

/** Passwords people choose: long enough to resist guessing, bounded so that hashing stays cheap. */
export const MIN_PASSWORD_LENGTH = 12;
export const newPassword = z.string().min(MIN_PASSWORD_LENGTH).max(1024);
