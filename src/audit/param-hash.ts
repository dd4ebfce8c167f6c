import { hmacSha256 } from '../runtime/hmac.ts';

/** An operation's rules for what the trail keeps of parameter values beyond the default keyed hash. */
export interface ParamRules {
  /** Values kept readable (not personal data, e.g. a year). */
  keep: ReadonlySet<string>;
  /** Only the name is kept: not even a hash. */
  drop: ReadonlySet<string>;
}

/** More parameters than this, or longer names, are cut: a caller must not be able to grow the trail at will. */
const MAX_PARAMS = 50;
const MAX_NAME = 64;
const MAX_KEPT_VALUE = 200;

/**
 * Keyed hashes of parameter values: HMAC-SHA-256 with the trail's key (DATA/audit.key), 128 bits in base64url.
 * The same value gives the same hash in every track, whatever the parameter's name, so a data-subject report can
 * find every call that asked about one NIK, while the trail never holds the NIK and a guess cannot be tested
 * without the key. The key is prepared once: a hash costs about half a microsecond.
 */
export function paramHasher(key: Buffer) {
  const hmac = hmacSha256(key);
  const hash = (value: string) => hmac(value).slice(0, 22);
  return {
    hash,
    /** The text a track holds for a value: what the data-subject report looks for. */
    marker: (value: string) => `"k:${hash(value)}"`,
    /** What the trail keeps of a call's parameters: `k:` + keyed hash, `v:` + the value, or `-` (name only). */
    params(raw: Record<string, string>, rules?: ParamRules): Record<string, string> | undefined {
      let out: Record<string, string> | undefined;
      let n = 0;
      for (const name in raw) {
        if (n++ === MAX_PARAMS) break;
        const short = name.length > MAX_NAME ? name.slice(0, MAX_NAME) : name;
        out ??= Object.create(null) as Record<string, string>;
        if (rules?.drop.has(name)) out[short] = '-';
        else if (rules?.keep.has(name)) out[short] = `v:${String(raw[name]).slice(0, MAX_KEPT_VALUE)}`;
        else out[short] = `k:${hash(String(raw[name]))}`;
      }
      return out;
    },
  };
}

export type ParamHasher = ReturnType<typeof paramHasher>;
