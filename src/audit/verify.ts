import type { KeyObject } from 'node:crypto';
import { sha256Hex } from '../runtime/sha256.ts';
import { GENESIS_HASH } from '../store/track-chain.ts';
import { chainText, decodeLine } from '../store/track-line.ts';
import type { Checkpoint, TrailRow } from '../store/trail-types.ts';
import { checkpointValid } from './checkpoint.ts';

/** What can be wrong with a trail, each named at the first entry (or checkpoint) where it shows. */
export type Problem =
  | 'edited' // the entry's line or hash was changed
  | 'unreadable' // the line is not a track
  | 'out_of_order' // entries moved: a seq repeats or goes back, or a line sits under another entry's seq
  | 'missing' // entries before this one were deleted
  | 'head_missing' // the trail does not begin at seq 1 and no signed cut says why
  | 'checkpoint_mismatch' // the chain was recomputed after a change: it no longer meets a signed checkpoint
  | 'bad_signature' // a checkpoint not signed by the given key
  | 'truncated' // a signed checkpoint covers entries that are gone
  | 'unlinked'; // (an export) an entry's previous hash is not the hash of the entry before it

export interface VerifyReport {
  ok: boolean;
  /** Entries checked (after the latest cut). */
  tracks: number;
  first?: number;
  last?: number;
  checkpoints: number;
  lastCheckpoint?: { seq: number; at: string };
  /** Where retention cut the trail (a signed `cut` checkpoint): entries up to it were removed. */
  cut?: number;
  /** Entries after the last checkpoint, not yet under a signature. */
  unsigned: number;
  /** A filtered export: each entry is checked on its own and against checkpoints; completeness cannot be. */
  partial: boolean;
  problem?: { kind: Problem; seq: number; requestId?: string; from?: number; detail?: string; node?: string };
  /** A cluster trail: one report per node's chain (the problem above is the first bad chain's, naming its node). */
  chains?: ChainReport[];
}

/** One node's chain in a cluster trail, verified with that node's keys. */
export interface ChainReport extends VerifyReport {
  node: string;
  /** The key ids its checkpoints were checked against: compare them with the nodes' audit-signing.pub. */
  keyIds: string[];
}

/** A public key that verifies checkpoints, and its id. */
export interface VerifyKey {
  publicKey: KeyObject;
  keyId: string;
}

/** An entry as verified: an export also carries the hash before it. */
export interface VerifiedRow extends TrailRow {
  prevHash?: string;
}

/**
 * Verifies a trail entry by entry, in seq order, against the checkpoints and the public key that signed them:
 * recomputes every hash from the stored line, so any edited, deleted, reordered or truncated entry is found, and
 * the first one is named. Feed rows with add() (false once a problem is found), then read finish().
 */
export class ChainVerifier {
  #report: VerifyReport;
  #byseq = new Map<number, Checkpoint>();
  #prev: string;
  #expect: number;
  #cut: number;
  #lastGood = 0;
  #lastHash?: string;
  #lastSeq?: number;

  /** `keys`: the key, or the keys a chain's checkpoints were signed with (a node whose key was replaced has two). */
  constructor(keys: VerifyKey | VerifyKey[], checkpoints: Checkpoint[], opts: { partial?: boolean } = {}) {
    const byId = new Map((Array.isArray(keys) ? keys : [keys]).map((k) => [k.keyId, k.publicKey]));
    this.#report = { ok: true, tracks: 0, checkpoints: checkpoints.length, unsigned: 0, partial: !!opts.partial };
    const cuts = checkpoints.filter((c) => c.kind === 'cut');
    const cut = cuts.length ? cuts.reduce((a, b) => (b.seq > a.seq ? b : a)) : undefined;
    this.#cut = cut?.seq ?? 0;
    this.#prev = cut?.hash ?? GENESIS_HASH;
    this.#expect = this.#cut + 1;
    this.#lastGood = this.#cut;
    if (cut) this.#report.cut = cut.seq;
    for (const c of checkpoints) {
      const publicKey = byId.get(c.keyId);
      if (!publicKey || !checkpointValid(publicKey, c)) {
        this.#fail('bad_signature', c.seq, { detail: `${c.kind} ${c.at}` });
        break;
      }
      if (c.kind === 'periodic') this.#byseq.set(c.seq, c);
      const last = this.#report.lastCheckpoint;
      if (!last || c.seq >= last.seq) this.#report.lastCheckpoint = { seq: c.seq, at: c.at };
    }
  }

  get failed(): boolean {
    return !this.#report.ok;
  }

  #fail(kind: Problem, seq: number, more: { requestId?: string; from?: number; detail?: string } = {}) {
    if (!this.#report.ok) return;
    this.#report.ok = false;
    this.#report.problem = { kind, seq, ...more };
  }

  add(row: VerifiedRow): boolean {
    if (this.failed) return false;
    if (row.seq <= this.#cut) return true; // removed by retention, its deletion not yet finished
    const track = decodeLine(row.line);
    const requestId = track?.requestId;
    const partial = this.#report.partial;
    if (!partial && row.seq !== this.#expect) {
      if (row.seq < this.#expect) this.#fail('out_of_order', row.seq, { requestId, detail: `after ${this.#expect - 1}` });
      else if (this.#report.tracks === 0 && this.#cut === 0) this.#fail('head_missing', row.seq, { requestId, from: this.#expect });
      else this.#fail('missing', row.seq, { requestId, from: this.#expect });
      return false;
    }
    if (partial && this.#lastSeq !== undefined && row.seq <= this.#lastSeq) {
      this.#fail('out_of_order', row.seq, { requestId, detail: `after ${this.#lastSeq}` });
      return false;
    }
    let prev = this.#prev;
    if (partial) {
      prev = row.prevHash ?? '';
      if (row.seq === (this.#lastSeq ?? -1) + 1 && prev !== this.#lastHash) {
        this.#fail('unlinked', row.seq, { requestId });
        return false;
      }
    }
    const hash = sha256Hex(chainText(prev, row.line));
    if (hash !== row.hash) {
      this.#fail('edited', row.seq, { requestId });
      return false;
    }
    if (!track) {
      this.#fail('unreadable', row.seq);
      return false;
    }
    if (track.seq !== row.seq) {
      this.#fail('out_of_order', row.seq, { requestId, detail: `holds the line of entry ${track.seq}` });
      return false;
    }
    const signed = this.#byseq.get(row.seq);
    if (signed) {
      if (signed.hash !== hash) {
        this.#fail('checkpoint_mismatch', row.seq, { requestId, from: this.#lastGood + 1, detail: signed.at });
        return false;
      }
      this.#lastGood = row.seq;
    }
    this.#report.tracks++;
    this.#report.first ??= row.seq;
    this.#report.last = row.seq;
    [this.#prev, this.#lastHash, this.#lastSeq] = [hash, hash, row.seq];
    this.#expect = row.seq + 1;
    return true;
  }

  finish(): VerifyReport {
    const r = this.#report;
    const end = r.last ?? this.#cut;
    if (r.ok && !r.partial) {
      const beyond = [...this.#byseq.values()].filter((c) => c.seq > end).sort((a, b) => a.seq - b.seq)[0];
      if (beyond) this.#fail('truncated', end + 1, { detail: `${beyond.seq} ${beyond.at}` });
    }
    r.unsigned = Math.max(0, end - Math.max(r.lastCheckpoint?.seq ?? 0, this.#cut));
    return r;
  }
}
