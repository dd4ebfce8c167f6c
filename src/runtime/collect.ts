/**
 * A full garbage collection now, where the runtime lets a program ask for one. Bun's collector (JavaScriptCore)
 * runs late on memory held by the many short-lived byte buffers a long answer makes (postgres.js makes a few per
 * row): measured on Bun 1.4.5, a 1,000,000-row export let the process grow by 60-90 MB of such garbage before it
 * was collected. Deno (V8) collects these soon enough by itself and offers no call without a flag.
 */
declare const Bun: { gc(sync: boolean): void } | undefined;

export const collectGarbage: () => void = typeof Bun !== 'undefined' ? () => Bun.gc(true) : () => {};
