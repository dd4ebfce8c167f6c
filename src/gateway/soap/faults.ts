/**
 * How a gateway error looks as a SOAP fault: its fault code and HTTP status, by the SOAP 1.1 and 1.2 HTTP bindings
 * and the WS-I Basic Profile. MANTRA's code and message travel in the fault's detail.
 */
import type { GatewayError, GatewayErrorKey } from '../errors.ts';
import type { SoapVersion } from './names.ts';

type Side = 'sender' | 'receiver';

const sideCodes: Record<SoapVersion, Record<Side, string>> = {
  '1.1': { sender: 'Client', receiver: 'Server' },
  '1.2': { sender: 'Sender', receiver: 'Receiver' },
};

/** Errors about SOAP itself carry SOAP's own codes (both versions answer them with 500). */
const ownCodes: Partial<Record<GatewayErrorKey, string>> = {
  soap_version: 'VersionMismatch',
  soap_must_understand: 'MustUnderstand',
};

/**
 * A request that never became a SOAP message Mantra could process is answered with HTTP's own status
 * (WS-I BP 1.1 R1113, R1114, R1115; 413 for a body over the limit), whatever the version.
 */
const transportStatus: Partial<Record<GatewayErrorKey, number>> = {
  soap_malformed: 400,
  soap_doctype: 400,
  soap_depth: 400,
  soap_not_envelope: 400,
  soap_media_type: 415,
  soap_method: 405,
  too_large: 413,
};

/**
 * Processed messages: SOAP 1.1 answers every fault with 500 (WS-I BP R1126); SOAP 1.2 answers a Sender fault with
 * 400 and any other with 500 (SOAP 1.2 part 2, 7.5.2.2).
 */
const faultStatus: Record<SoapVersion, Record<Side | 'own', number>> = {
  '1.1': { sender: 500, receiver: 500, own: 500 },
  '1.2': { sender: 400, receiver: 500, own: 500 },
};

export interface FaultShape {
  /** The fault code's local name, in the envelope's namespace. */
  code: string;
  status: number;
}

/** `unknownService`: no operation is published at this address, which is HTTP's 404 rather than a fault of a call. */
export function faultOf(err: GatewayError, version: SoapVersion, unknownService = false): FaultShape {
  const own = ownCodes[err.key];
  const side: Side = err.status < 500 ? 'sender' : 'receiver';
  const status = unknownService ? 404 : transportStatus[err.key] ?? faultStatus[version][own ? 'own' : side];
  return { code: own ?? sideCodes[version][side], status };
}
