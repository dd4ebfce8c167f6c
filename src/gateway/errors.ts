import { type Lang, translate } from '../i18n/index.ts';
import { errorCatalogue } from '../errors/catalogue.ts';

/** The gateway's errors are the catalogue's (src/errors/catalogue.ts). */
export const gatewayErrors = errorCatalogue;

export type GatewayErrorKey = keyof typeof gatewayErrors;

const catalogue = gatewayErrors as unknown as Record<string, { id: string; en: string }>;

/** The one error type of the gateway: it knows its code and status; each interface renders it its own way. */
export class GatewayError extends Error {
  readonly code: number;
  readonly status: number;

  constructor(
    readonly key: GatewayErrorKey,
    readonly vars: Record<string, string | number> = {},
    /** A backend's own code and message passed through unchanged (federation). */
    readonly passthrough?: { code: number; message?: string; status?: number },
  ) {
    super(key);
    this.code = passthrough?.code ?? gatewayErrors[key].code;
    this.status = passthrough?.status ?? gatewayErrors[key].status;
  }

  text(lang: Lang): string {
    return this.passthrough?.message ?? translate(catalogue, this.key, lang, this.vars);
  }
}

/** The catalogue entry for a MANTRA code (the first one listed), for errors that arrive as codes. */
export const keyOfCode = new Map<number, GatewayErrorKey>();
for (const [key, e] of Object.entries(gatewayErrors)) if (!keyOfCode.has(e.code)) keyOfCode.set(e.code, key as GatewayErrorKey);
