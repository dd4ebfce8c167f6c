import type { Runtime } from './types.ts';

export type { RequestLimits, Runtime, Server, ServeOptions, TcpHandlers, TcpSocket } from './types.ts';

declare const Bun: unknown;

/** The one place that picks the runtime. */
export const runtime: Runtime =
  typeof Bun !== 'undefined' ? (await import('./bun.ts')).runtime : (await import('./deno.ts')).runtime;

/** A module worker. In a compiled binary the caller must name the worker by its path from the project root. */
export function createWorker(url: URL, name?: string): Worker {
  return new Worker(url, { type: 'module', name });
}
