/** The largest offset a caller may ask for: nine digits, the bound `?offset=` has (v1/grammar.ts). */
export const maxOffset = 999_999_999;

/** An opaque paging cursor: the next offset, base64url-encoded so callers do not build it by hand. */
export function encodeCursor(offset: number): string {
  return btoa(JSON.stringify({ o: offset })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The offset of a cursor; undefined for anything `?offset=` would refuse too (a forged cursor is the caller's error). */
export function decodeCursor(cursor: string): number | undefined {
  try {
    const { o } = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
    return Number.isInteger(o) && o >= 0 && o <= maxOffset ? o : undefined;
  } catch {
    return undefined;
  }
}
