/** The run's seed: MANTRA_FUZZ_SEED when given, else a fixed base plus today's date (new cases every day, replayable). */
const env = (name: string): string | undefined => process.env[name];

const BASE = 0x6d616e74; // "mant"

export function fuzzSeed(now = new Date()): number {
  const given = env('MANTRA_FUZZ_SEED');
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`MANTRA_FUZZ_SEED must be a non-negative integer, not ${given}`);
    return n >>> 0;
  }
  const day = now.getUTCFullYear() * 10000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate();
  return (BASE + day) >>> 0;
}

/** Cases of a CI run, overridable for a quick local look (MANTRA_FUZZ_CASES). */
export function fuzzCases(fallback: number): number {
  const n = Number(env('MANTRA_FUZZ_CASES') ?? fallback);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}
