/** What a counter needs of a subscription: its id and its limits (0 = none). */
export interface Limited {
  id: string;
  /** Requests per minute: a token bucket that holds a minute's worth. */
  rateLimit: number;
  /** Requests per day of the server's time zone. */
  quota: number;
  /** Requests per calendar month. */
  monthlyQuota?: number;
}

/** The limit a call is over, and the milliseconds until a call may come again (a token back, the day or month turned). */
export interface Over {
  limit: 'month' | 'day' | 'rate';
  ms: number;
}

/**
 * Counts calls against their subscription's limits: the monthly quota first, then the daily one, then the rate. A
 * refused call uses up nothing. `take` returns a promise only when it has to ask another process (Redis).
 */
export interface Counter {
  take(sub: Limited, at: number): Over | undefined | Promise<Over | undefined>;
  /** For /readyz: false while a shared counter is away (the node then counts its share itself). Absent in memory. */
  health?(): boolean;
  close?(): Promise<void>;
}
