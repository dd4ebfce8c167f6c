import { createHash } from 'node:crypto';
import type { Operation } from '../model/operation.ts';
import type { Secrets } from '../security/secrets.ts';
import { AnswerSigner } from './answer-signer.ts';
import { loadParamKey } from './keys.ts';
import { paramHasher, type ParamHasher, type ParamRules } from './param-hash.ts';

/** An operation's audit rules, compiled once per configuration. */
export interface OperationEvidence {
  rules?: ParamRules;
  storeAnswers: boolean;
  signAnswers: boolean;
}

/** Answers kept or signed only when whole and at most this large; a bigger one is noted in its track instead. */
export const MAX_SEALED_BYTES = 256 * 1024;

const none: OperationEvidence = { storeAnswers: false, signAnswers: false };

/**
 * What the track stage needs to make a call's track evidence: the keyed hashes of parameter values, each
 * operation's rules, the agencies' answer signatures, and the encryption of kept answers (AES-256-GCM with the
 * master key, as every secret at rest).
 */
export class Evidence {
  readonly params: ParamHasher;
  readonly signer: AnswerSigner;
  #ops = new WeakMap<Operation, OperationEvidence>();

  constructor(dataDir: string, private secrets: Secrets) {
    this.params = paramHasher(loadParamKey(dataDir));
    this.signer = new AnswerSigner(dataDir, secrets);
  }

  of(op: Operation | undefined): OperationEvidence {
    if (!op?.audit) return none;
    let found = this.#ops.get(op);
    if (!found) {
      const a = op.audit;
      found = {
        rules: a.keepParams.length || a.dropParams.length ? { keep: new Set(a.keepParams), drop: new Set(a.dropParams) } : undefined,
        storeAnswers: a.storeAnswers, signAnswers: a.signAnswers,
      };
      this.#ops.set(op, found);
    }
    return found;
  }

  static digest(bytes: Uint8Array | string): string {
    return createHash('sha256').update(bytes).digest('base64url');
  }

  encryptAnswer(bytes: Uint8Array): string {
    return this.secrets.encrypt(Buffer.from(bytes).toString('base64'));
  }

  decryptAnswer(text: string): Buffer {
    return Buffer.from(this.secrets.decrypt(text), 'base64');
  }
}
