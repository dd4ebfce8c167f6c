import { type Lang, translate } from '../i18n/index.ts';

/**
 * One catalogue of gateway errors: MANTRA's code, the REST status, and the message in both languages.
 * 10001–10018 are the original's codes and Indonesian texts (byte-exact on the compatible paths);
 * 10020 and above are Mantra's own.
 */
export const gatewayErrors = {
  empty_key: { code: 10001, status: 401, id: 'Operasi tidak memiliki izin, karena kunci akses tidak terdaftar (kosong)', en: 'No access key was given' },
  not_registered: { code: 10002, status: 404, id: 'Fungsi operasi tidak terdaftar', en: 'Operation not registered' },
  no_subscription: { code: 10002, status: 403, id: 'Fungsi operasi tidak terdaftar', en: 'No active subscription to this operation for this key' },
  no_url: { code: 10003, status: 502, id: 'Alamat (URL) akses layanan tidak terdefinisi', en: 'The backend URL is not defined' },
  no_method: { code: 10004, status: 502, id: 'Nama fungsi operasi tidak terdefinisi', en: 'The backend operation name is not defined' },
  wsdl_failed: { code: 10006, status: 502, id: 'WSDL layanan SOAP tidak dapat dibaca', en: 'The SOAP service WSDL cannot be read' },
  soap_fault: { code: 10007, status: 502, id: 'Layanan SOAP menjawab dengan kesalahan', en: 'The SOAP service answered a fault' },
  soap_error: { code: 10008, status: 502, id: 'Jawaban layanan SOAP tidak valid', en: 'The SOAP service answer is invalid' },
  soap_empty: { code: 10009, status: 404, id: 'Hasil fungsi operasi SOAP tidak ada (kosong)', en: 'The SOAP operation returned nothing' },
  missing_params: { code: 10005, status: 400, id: 'Seluruh parameter fungsi operasi wajib diisi', en: 'All parameters of the operation are required' },
  bad_param: { code: 10005, status: 400, id: 'Parameter "{name}" tidak valid: {reason}', en: 'Parameter "{name}" is invalid: {reason}' },
  missing_param: { code: 10005, status: 400, id: 'Parameter "{name}" wajib diisi', en: 'Parameter "{name}" is required' },
  unknown_param: { code: 10005, status: 400, id: 'Parameter "{name}" tidak dikenal', en: 'Unknown parameter "{name}"' },
  unknown_root: { code: 10017, status: 502, id: 'Kunci indeks/tag utama data fungsi operasi tidak dikenal', en: 'Unknown root key in the backend reply' },
  xml_failed: { code: 10018, status: 502, id: 'Konversi XML jawaban layanan gagal', en: 'The backend XML reply cannot be converted' },
  empty_result: { code: 10012, status: 404, id: 'Hasil operasi data "{agency}:{service}.{operation}" tidak ada (kosong)', en: 'The data operation "{agency}:{service}.{operation}" returned no result' },
  disabled: { code: 10002, status: 404, id: 'Fungsi operasi tidak terdaftar', en: 'Operation is disabled' },
  unavailable: { code: 10020, status: 502, id: 'Sumber data tidak dapat dihubungi', en: 'The data source is unavailable' },
  timeout: { code: 10021, status: 504, id: 'Waktu tunggu operasi habis', en: 'The operation timed out' },
  row_cap: { code: 10022, status: 413, id: 'Hasil operasi melebihi batas {limit} baris', en: 'The result exceeds the limit of {limit} rows' },
  query_failed: { code: 10023, status: 502, id: 'Operasi data gagal dijalankan', en: 'The data operation failed' },
  rate_limited: { code: 10024, status: 429, id: 'Batas jumlah permintaan terlampaui, coba lagi dalam {retryAfter} detik', en: 'Rate limit exceeded, try again in {retryAfter} s' },
  quota_exceeded: { code: 10025, status: 429, id: 'Kuota harian langganan telah habis, coba lagi dalam {retryAfter} detik', en: 'The daily quota of this subscription is used up, try again in {retryAfter} s' },
  quota_monthly: { code: 10035, status: 429, id: 'Kuota bulanan langganan telah habis, coba lagi dalam {retryAfter} detik', en: 'The monthly quota of this subscription is used up, try again in {retryAfter} s' },
  subscription_expired: { code: 10034, status: 403, id: 'Masa berlaku langganan telah berakhir', en: 'The subscription has expired' },
  // A token that is not (or no longer) a credential: MANTRA's "key not registered"; 10002 stays for a valid one out of its reach.
  token_invalid: { code: 10001, status: 401, id: 'Token akses tidak valid', en: 'The access token is invalid' },
  token_expired: { code: 10001, status: 401, id: 'Token akses telah kedaluwarsa', en: 'The access token has expired' },
  token_revoked: { code: 10001, status: 401, id: 'Token akses tidak berlaku lagi', en: 'The access token is no longer valid' },
  ip_denied: { code: 10026, status: 403, id: 'Alamat IP tidak diizinkan untuk langganan ini', en: 'This IP address is not allowed for this subscription' },
  too_large: { code: 10027, status: 413, id: 'Permintaan terlalu besar', en: 'The request is too large' },
  bad_format: { code: 10028, status: 406, id: 'Format "{format}" tidak didukung', en: 'Format "{format}" is not supported' },
  not_supported: { code: 10029, status: 501, id: 'Jenis operasi ini belum dapat dipanggil', en: 'This kind of operation cannot be called yet' },
  client_gone: { code: 10031, status: 499, id: 'Pemanggil memutus sambungan', en: 'The caller closed the connection' },
  reply_too_large: { code: 10032, status: 502, id: 'Jawaban layanan melebihi batas ukuran', en: 'The backend reply exceeds the size limit' },
  strict_compat: { code: 10033, status: 403, id: 'Hanya klien MANTRA yang dilayani (kompatibilitas ketat)', en: 'Only MANTRA clients are served (strict compatibility)' },
  // SOAP requests that cannot be read as one (10040: not XML Mantra reads, 10041: not a usable SOAP request).
  soap_malformed: { code: 10040, status: 400, id: 'Permintaan bukan XML yang benar (baris {line})', en: 'The request is not well-formed XML (line {line})' },
  soap_doctype: { code: 10040, status: 400, id: 'Deklarasi DOCTYPE/ENTITY tidak diizinkan', en: 'A DOCTYPE or ENTITY declaration is not allowed' },
  soap_depth: { code: 10040, status: 400, id: 'XML bersarang lebih dari {max} tingkat', en: 'The XML is nested deeper than {max} levels' },
  soap_not_envelope: { code: 10041, status: 400, id: 'Dokumen bukan amplop SOAP (Envelope dengan Body)', en: 'The document is not a SOAP envelope (an Envelope with a Body)' },
  soap_no_operation: { code: 10041, status: 400, id: 'Body SOAP harus berisi tepat satu elemen operasi', en: 'The SOAP Body must hold exactly one operation element' },
  soap_namespace: { code: 10041, status: 400, id: 'Elemen "{element}" harus dalam namespace {ns}', en: 'Element "{element}" must be in namespace {ns}' },
  soap_media_type: { code: 10041, status: 415, id: 'Content-Type harus text/xml (SOAP 1.1) atau application/soap+xml (SOAP 1.2), dalam UTF-8', en: 'Content-Type must be text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2), in UTF-8' },
  soap_method: { code: 10041, status: 405, id: 'Panggil operasi dengan POST; WSDL ada di GET ?wsdl', en: 'Call operations with POST; the WSDL is at GET ?wsdl' },
  soap_password_digest: { code: 10041, status: 400, id: 'UsernameToken dengan PasswordDigest tidak didukung: kirim kunci akses sebagai PasswordText', en: 'A UsernameToken with PasswordDigest is not supported: send the access key as PasswordText' },
  soap_version: { code: 10042, status: 500, id: 'Versi amplop SOAP tidak dikenal atau tidak sesuai dengan Content-Type', en: 'The SOAP envelope version is unknown or does not match the Content-Type' },
  soap_must_understand: { code: 10043, status: 500, id: 'Header SOAP "{header}" wajib dipahami tetapi tidak dikenal', en: 'SOAP header "{header}" must be understood but is not known' },
  internal: { code: 10030, status: 500, id: 'Terjadi kesalahan internal', en: 'Internal error' },
} as const;

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
