/** What Mantra needs from a JavaScript runtime. Only src/runtime/ knows which one it is on. */
export interface ServeOptions {
  fetch: (req: Request, info: { remoteAddress: string }) => Response | Promise<Response>;
  port: number;
  hostname: string;
  tls?: { cert: string; key: string };
  /** Largest request body the server accepts before the app sees it. */
  maxRequestBodySize?: number;
}

export interface Server {
  port: number;
  stop(): Promise<void>;
}

export interface Runtime {
  name: 'bun' | 'deno';
  version: string;
  serve(opts: ServeOptions): Promise<Server>;
  /** Command-line arguments after the script (or the compiled binary). */
  args(): string[];
  /** True inside a `bun build --compile` binary. */
  compiled: boolean;
  onSignal(signal: 'SIGINT' | 'SIGTERM', fn: () => void): void;
}
