import type { ParsedDocument } from './parsed-document.js';

/** Plain text is kept as written (only line ends normalised), so offsets match what the author sees. */
export function parseText(text: string): ParsedDocument {
  return {
    format: 'text',
    title: null,
    text,
    sections: text.trim() === '' ? [] : [{ heading: null, start: 0, end: text.length }],
    metadata: {},
  };
}
