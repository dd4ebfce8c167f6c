/** SOAP requests as a client writes them, and what a test reads back from an answer. */
export type Version = '1.1' | '1.2';

export const ENV_NS = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' };
export const CONTENT_TYPE = { '1.1': 'text/xml; charset=utf-8', '1.2': 'application/soap+xml; charset=utf-8' };
export const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A document/literal wrapped call of `operation` in the service's namespace; `header` is put in soap:Header as is. */
export function envelope(version: Version, ns: string, operation: string, params: Record<string, string>, header = ''): string {
  const fields = Object.entries(params).map(([k, v]) => `<m:${k}>${esc(v)}</m:${k}>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${ENV_NS[version]}">` +
    (header ? `<s:Header>${header}</s:Header>` : '') +
    `<s:Body><m:${operation} xmlns:m="${ns}">${fields}</m:${operation}></s:Body></s:Envelope>`;
}

export const usernameToken = (user: string, key: string, type = 'PasswordText') =>
  `<wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>${user}</wsse:Username>` +
  `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#${type}">${key}</wsse:Password>` +
  '</wsse:UsernameToken></wsse:Security>';

export interface SoapAnswer {
  fault: boolean;
  /** MANTRA's code from the fault's detail; 200 for an answer. */
  code: number;
  /** The fault code's local name (Client, Sender, VersionMismatch …). */
  faultCode?: string;
  message?: string;
  rows: number;
}

/** Reads an answer or a fault of either version by its text. */
export function readAnswer(text: string): SoapAnswer {
  const fault = /<soap:Fault>/.test(text);
  const faultCode = /<faultcode>soap:(\w+)<\/faultcode>|<soap:Value>soap:(\w+)<\/soap:Value>/.exec(text);
  return {
    fault,
    code: fault ? Number(/<code>(\d+)<\/code>/.exec(text)?.[1]) : 200,
    faultCode: faultCode ? faultCode[1] ?? faultCode[2] : undefined,
    message: /<message>([^<]*)<\/message>/.exec(text)?.[1],
    rows: (text.match(/<row>/g) ?? []).length,
  };
}
