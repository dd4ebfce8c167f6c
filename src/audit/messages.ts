import { type Catalogue, type Lang, translate } from '../i18n/index.ts';
import type { VerifyReport } from './verify.ts';

/** What a verification found, as a person reads it, in both languages. */
const messages: Catalogue = {
  ok: {
    id: 'Jejak audit utuh: {tracks} entri (seq {first}–{last}), {checkpoints} checkpoint bertanda tangan, terakhir di seq {cpSeq} ({cpAt}).',
    en: 'Audit trail intact: {tracks} entries (seq {first}–{last}), {checkpoints} signed checkpoints, the last at seq {cpSeq} ({cpAt}).',
  },
  ok_empty: { id: 'Jejak audit kosong dan utuh.', en: 'The audit trail is empty and intact.' },
  cut: { id: 'Entri sampai seq {cut} dihapus oleh retensi (ditandai checkpoint bertanda tangan).', en: 'Entries up to seq {cut} were removed by retention (marked by a signed checkpoint).' },
  unsigned: {
    id: '{unsigned} entri terakhir belum tercakup checkpoint (checkpoint dibuat tiap 10 detik).',
    en: 'The last {unsigned} entries are not yet under a checkpoint (one is signed every 10 seconds).',
  },
  partial: {
    id: 'Ekspor terfilter: setiap entri utuh, tetapi kelengkapannya tidak dapat dibuktikan.',
    en: 'Filtered export: every entry is intact, but completeness cannot be shown.',
  },
  failed: { id: 'Jejak audit TIDAK utuh: {what}', en: 'Audit trail NOT intact: {what}' },
  cluster: {
    id: 'Jejak audit klaster: {chains} rantai (satu per node), {tracks} entri, diperiksa bersama.',
    en: 'Cluster audit trail: {chains} chains (one per node), {tracks} entries, verified together.',
  },
  cluster_empty: { id: 'Jejak audit klaster kosong dan utuh.', en: 'The cluster audit trail is empty and intact.' },
  on_node: { id: 'node {node}: {what}', en: 'node {node}: {what}' },
  keys: { id: 'kunci {keys}', en: 'keys {keys}' },
  edited: { id: 'entri seq {seq} (permintaan {rid}) telah diubah: isinya tidak cocok dengan hash-nya.', en: 'entry seq {seq} (request {rid}) was changed: its content does not match its hash.' },
  unreadable: { id: 'entri seq {seq} tidak terbaca sebagai jejak.', en: 'entry seq {seq} cannot be read as a track.' },
  out_of_order: { id: 'entri seq {seq} (permintaan {rid}) tidak pada urutannya ({detail}).', en: 'entry seq {seq} (request {rid}) is out of order ({detail}).' },
  missing: { id: 'entri seq {from} sampai {before} hilang (sebelum seq {seq}, permintaan {rid}).', en: 'entries seq {from} to {before} are missing (before seq {seq}, request {rid}).' },
  head_missing: { id: 'jejak dimulai di seq {seq} tanpa checkpoint pemangkasan: entri seq {from} sampai {before} hilang.', en: 'the trail begins at seq {seq} without a retention checkpoint: entries seq {from} to {before} are missing.' },
  checkpoint_mismatch: {
    id: 'rantai tidak cocok dengan checkpoint bertanda tangan di seq {seq} ({detail}): salah satu entri seq {from}–{seq} diubah dan hash-nya dihitung ulang.',
    en: 'the chain does not meet the checkpoint signed at seq {seq} ({detail}): an entry in seq {from}–{seq} was changed and its hashes recomputed.',
  },
  bad_signature: { id: 'tanda tangan checkpoint di seq {seq} ({detail}) tidak sah untuk kunci publik ini.', en: 'the signature of the checkpoint at seq {seq} ({detail}) is not valid for this public key.' },
  truncated: { id: 'jejak berakhir sebelum seq {seq}, padahal checkpoint bertanda tangan mencakup sampai seq {detail}.', en: 'the trail ends before seq {seq}, yet a signed checkpoint covers up to seq {detail}.' },
  truncated_export: { id: 'berkas ekspor terpotong: baris penutupnya tidak ada (setelah seq {before}).', en: 'the export file was cut short: its end line is missing (after seq {before}).' },
  unlinked: { id: 'entri seq {seq} (permintaan {rid}) tidak bertaut dengan entri sebelumnya.', en: 'entry seq {seq} (request {rid}) does not link to the entry before it.' },
  fields: { id: 'kolom entri seq {seq} (permintaan {rid}) dalam ekspor tidak sesuai dengan baris yang ditandatangani.', en: 'the fields of entry seq {seq} (request {rid}) in the export differ from its verified line.' },
};

export function problemText(r: VerifyReport, lang: Lang): string | undefined {
  const p = r.problem;
  if (!p) return undefined;
  const key = p.kind === 'truncated' && p.detail === 'export' ? 'truncated_export' : p.kind === 'edited' && p.detail === 'fields' ? 'fields' : p.kind;
  const what = translate(messages, key, lang, {
    seq: p.seq, rid: p.requestId ?? '?', from: p.from ?? '?', before: p.seq - 1, detail: p.detail ?? '',
  });
  return p.node === undefined ? what : translate(messages, 'on_node', lang, { node: p.node, what });
}

/** The report as lines of text for the command line. */
export function reportText(r: VerifyReport, lang: Lang): string[] {
  if (r.chains) return clusterText(r, lang);
  if (!r.ok) return [translate(messages, 'failed', lang, { what: problemText(r, lang)! })];
  const lines = [r.tracks === 0 && !r.lastCheckpoint
    ? translate(messages, 'ok_empty', lang)
    : translate(messages, 'ok', lang, {
      tracks: r.tracks, first: r.first ?? '-', last: r.last ?? '-', checkpoints: r.checkpoints,
      cpSeq: r.lastCheckpoint?.seq ?? '-', cpAt: r.lastCheckpoint?.at ?? '-',
    })];
  if (r.cut) lines.push(translate(messages, 'cut', lang, { cut: r.cut }));
  if (r.unsigned > 0) lines.push(translate(messages, 'unsigned', lang, { unsigned: r.unsigned }));
  if (r.partial) lines.push(translate(messages, 'partial', lang));
  return lines;
}

/** A cluster's report: a line for the whole, then each node's chain as its own report (the first bad one named). */
function clusterText(r: VerifyReport, lang: Lang): string[] {
  const chains = r.chains ?? [];
  const lines = [chains.length === 0
    ? translate(messages, 'cluster_empty', lang)
    : translate(messages, 'cluster', lang, { chains: chains.length, tracks: r.tracks })];
  for (const c of chains) {
    const own = c.ok ? reportText({ ...c, chains: undefined }, lang) : [translate(messages, 'failed', lang, { what: problemText(c, lang)! })];
    own.push(translate(messages, 'keys', lang, { keys: c.keyIds.join(', ') || '-' }));
    for (const line of own) lines.push(translate(messages, 'on_node', lang, { node: c.node, what: line }));
  }
  if (!r.ok) lines.unshift(translate(messages, 'failed', lang, { what: problemText(r, lang)! }));
  return lines;
}
