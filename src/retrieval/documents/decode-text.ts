// Text formats are read as UTF-8. Invalid bytes become U+FFFD instead of failing the whole file: one bad byte
// in a large export should not make the rest unsearchable. The decoder drops a leading BOM itself.

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** UTF-8 bytes as a string with CRLF/CR line ends normalised to LF. */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes).replace(/\r\n?/g, '\n');
}
