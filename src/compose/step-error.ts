import { type Lang, translate } from '../i18n/index.ts';
import { GatewayError, gatewayErrors } from '../gateway/errors.ts';

const catalogue = gatewayErrors as unknown as Record<string, { id: string; en: string }>;

/**
 * A step's failure as the composite's caller sees it: the step's own code and status (a backend down stays 10020
 * and 502, a timeout 10021 and 504), its message naming the step: `Langkah "ktp" gagal: Waktu tunggu operasi habis`.
 */
export class StepError extends GatewayError {
  constructor(readonly step: string, readonly reason: GatewayError) {
    super(reason.key, reason.vars, { code: reason.code, status: reason.status });
  }

  override text(lang: Lang): string {
    return translate(catalogue, 'step_failed', lang, { step: this.step, reason: this.reason.text(lang) });
  }
}

/** Whatever a step threw, as a GatewayError; anything else is Mantra's own fault, never shown. */
export const asGatewayError = (err: unknown): GatewayError => (err instanceof GatewayError ? err : new GatewayError('internal'));
