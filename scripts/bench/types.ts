/** Shapes shared by the harness, the scenarios and the table. */

export type RowStatus = 'ok' | 'reference' | 'not available yet' | 'error';

/** One line of the table (and of bench/results.json). */
export interface Row {
  scenario: string;
  variant: string;
  status: RowStatus;
  /** Requests per second (load scenarios) or rows per second (export). */
  rate?: number;
  unit?: 'req/s' | 'rows/s';
  p50Ms?: number;
  p99Ms?: number;
  /** Peak resident memory of the server process during the measurement. */
  peakRssMb?: number;
  /** CPU time of the server process (all threads) per answer during the measurement, in µs. */
  cpuUsPerReq?: number;
  /** CPU time of the server process per second of measurement (1 = one core kept busy). */
  cpuBusy?: number;
  /** rate / the scenario reference's rate, measured in the same run. */
  ratio?: number;
  requests?: number;
  errors?: number;
  note?: string;
  /** The raw answer of a failed check (results.json only). */
  sample?: string;
}

export interface Options {
  durationS: number;
  warmupS: number;
  connections: number;
  exportRows: number;
  /** Times each scenario ran (results.json only; figures are medians when above 1). */
  rounds?: number;
}

export interface Scenario {
  name: string;
  /** What it compares, for --list. */
  describe: string;
  /** Each row's p99 is also reported as added latency over the reference's. */
  addedP99?: boolean;
  run(ctx: Context): Promise<Row[]>;
}

export interface Context {
  options: Options;
  log(message: string): void;
}
