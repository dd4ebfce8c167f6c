import { type Catalogue, type Lang, translate } from '../i18n/index.ts';

/**
 * What joining a node to the hub can say, Bahasa Indonesia first. The keys double as the `error` code of the
 * admin API's answers (they are part of its catalogue) and name the lines of the CLI's report.
 */
export const hubMessages = {
  hub_url: {
    id: 'Alamat node harus URL http:// atau https://, tanpa nama pengguna, kata sandi atau query (contoh: https://node.instansi.go.id)',
    en: 'The node address must be an http:// or https:// URL without a user name, password or query (e.g. https://node.agency.go.id)',
  },
  hub_agency_missing: {
    id: 'Instansi "{agency}" tidak ada di hub ini; buat instansinya dahulu',
    en: 'Agency "{agency}" does not exist on this hub; create the agency first',
  },
  hub_node_not_allowed: {
    id: 'Host node {host} tidak ada di daftar backend yang diizinkan (pengaturan backendAllowlist)',
    en: 'The node host {host} is not in the allowed backends (settings backendAllowlist)',
  },
  hub_node_internal: {
    id: 'Node {host} berada di alamat internal ({reason}). Hub hanya memanggil alamat internal yang dicantumkan administrator di pengaturan internalBackends (misalnya "{host}"); cantumkan lalu ulangi impor',
    en: 'Node {host} is at an internal address ({reason}). The hub calls internal addresses only when an administrator lists them in the settings internalBackends (e.g. "{host}"); list it, then import again',
  },
  hub_node_unresolved: {
    id: 'Alamat IP untuk nama host node {host} tidak ditemukan di DNS dalam batas waktu; hub hanya menghubungi node di alamat yang sudah diperiksanya',
    en: 'No IP address was found in DNS for the node host name {host} within the time limit; the hub calls a node only at an address it has checked',
  },
  hub_node_unreachable: { id: 'Node tidak dapat dihubungi ({reason})', en: 'The node cannot be reached ({reason})' },
  hub_node_timeout: {
    id: 'Node tidak mengirim katalognya dalam {seconds} detik',
    en: 'The node did not send its catalogue within {seconds} seconds',
  },
  hub_node_status: {
    id: 'Node menjawab HTTP {status} untuk {url}; yang diharapkan 200 dengan katalog publiknya',
    en: 'The node answered HTTP {status} for {url}; expected 200 with its public catalogue',
  },
  hub_node_too_large: { id: 'Katalog node lebih besar dari {max} bita', en: 'The node catalogue is larger than {max} bytes' },
  hub_node_not_json: { id: 'Katalog node bukan JSON yang sah (UTF-8)', en: 'The node catalogue is not valid JSON (UTF-8)' },
  hub_node_not_catalogue: {
    id: 'Alamat ini tidak mengirim katalog Mantra (dokumen OpenAPI gateway dari GET /catalogue/openapi.json); periksa alamat node',
    en: 'This address did not send a Mantra catalogue (the gateway OpenAPI document of GET /catalogue/openapi.json); check the node address',
  },
  hub_node_document: {
    id: 'Katalog node bukan dokumen OpenAPI gateway Mantra yang dapat dipakai (GET /catalogue/openapi.json); lihat issues',
    en: 'The node catalogue is not a usable Mantra gateway OpenAPI document (GET /catalogue/openapi.json); see issues',
  },
  hub_key_required: {
    id: 'Operasi baru memerlukan kunci yang diterbitkan node untuk hub (kolom key; CLI: MANTRA_HUB_NODE_KEY atau --key - dari stdin)',
    en: 'New operations need the key the node issued to the hub (field key; CLI: MANTRA_HUB_NODE_KEY or --key - from stdin)',
  },
  hub_key_invalid: {
    id: 'Kunci node harus satu baris karakter yang terlihat, tanpa spasi (1 sampai 512 karakter)',
    en: 'The node key must be one line of visible characters without spaces (1 to 512 characters)',
  },
  hub_backend_refused: {
    id: 'Operasi proxy untuk {operation} ditolak: {reason}',
    en: 'The proxy operation for {operation} was refused: {reason}',
  },
  hub_param_type: {
    id: 'Jenis parameter tidak dikenal: {type}{format}',
    en: 'Unknown parameter type: {type}{format}',
  },
  hub_param_pattern: { id: 'Pola bukan ekspresi reguler yang sah', en: 'The pattern is not a valid regular expression' },
  hub_path: {
    id: 'Bukan alamat operasi Mantra /v1/{instansi}/{layanan}/{operasi}',
    en: 'Not a Mantra operation path /v1/{agency}/{service}/{operation}',
  },
  hub_too_many: { id: 'Paling banyak {max} operasi', en: 'At most {max} operations' },
  'hub_status.created': { id: 'dibuat', en: 'created' },
  'hub_status.updated': { id: 'diubah', en: 'updated' },
  'hub_status.unchanged': { id: 'tetap', en: 'unchanged' },
  'hub_status.gone': { id: 'tidak ada lagi di node (tidak dihapus)', en: 'no longer on the node (not deleted)' },
  'hub_status.conflict': {
    id: 'bentrok: operasi hub dengan nama ini bukan dari node ini (dibiarkan)',
    en: 'conflict: the hub operation of this name is not from this node (left alone)',
  },
  hub_report: {
    id: '{node} → instansi {agency}: {created} dibuat, {updated} diubah, {unchanged} tetap, {gone} tidak ada lagi di node, {conflict} bentrok{dry}',
    en: '{node} → agency {agency}: {created} created, {updated} updated, {unchanged} unchanged, {gone} no longer on the node, {conflict} in conflict{dry}',
  },
  hub_dry_run: { id: ' (uji coba: tidak ada yang disimpan)', en: ' (dry run: nothing was saved)' },
  hub_services_created: { id: 'layanan dibuat: {services}', en: 'services created: {services}' },
} satisfies Catalogue;

export type HubMessageKey = keyof typeof hubMessages;

export const hubText = (lang: Lang, key: HubMessageKey, vars: Record<string, string | number> = {}) =>
  translate(hubMessages, key, lang, vars);

/** One problem in the node's document, its path in that document. */
export interface HubIssue {
  path: string;
  message: string;
}

/**
 * Why an import did not happen: a status for the admin API (400 the request, 403 the settings, 404 the agency,
 * 502/504 the node), a message key, and the document's issues when the node's catalogue was the problem.
 */
export class HubError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 502 | 504,
    readonly key: HubMessageKey,
    readonly vars: Record<string, string | number> = {},
    readonly issues?: HubIssue[],
  ) {
    super(key);
  }

  text(lang: Lang): string {
    return hubText(lang, this.key, this.vars);
  }
}
