/** An opaque paging cursor: the next offset, base64url-encoded so callers do not build it by hand. */
export function encodeCursor(offset: number): string {
  return btoa(JSON.stringify({ o: offset })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

export function decodeCursor(cursor: string): number | undefined {
  try {
    const { o } = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
    return Number.isInteger(o) && o >= 0 ? o : undefined;
  } catch {
    return undefined;
  }
}
