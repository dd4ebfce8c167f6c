import fs from 'node:fs';

/** Where a batch of track lines was written: a byte range of a track-log segment. */
export interface Span {
  file: string;
  offset: number;
  length: number;
}

/** Adds a span to a list, into the last one when it continues it (one read for a run of batches). */
export function addSpan(spans: Span[], span: Span) {
  const last = spans[spans.length - 1];
  if (last && last.file === span.file && last.offset + last.length === span.offset) last.length += span.length;
  else spans.push({ ...span });
}

/**
 * The lines of the spans, read back from the segments. The tracks table is fed this way rather than by handing
 * the text over: the serving thread keeps no copy of what it logged, and the lines come from the page cache.
 */
export function readSpans(spans: Span[]): string {
  let text = '';
  for (const span of spans) {
    const fd = fs.openSync(span.file, 'r');
    try {
      const buf = Buffer.allocUnsafe(span.length);
      for (let got = 0; got < span.length;) {
        const n = fs.readSync(fd, buf, got, span.length - got, span.offset + got);
        if (n === 0) throw new Error(`${span.file} ends before its tracks (${span.offset + got} of ${span.offset + span.length} bytes)`);
        got += n;
      }
      text += buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  }
  return text;
}
