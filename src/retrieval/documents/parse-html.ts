import { DocumentTextBuilder } from './document-text-builder.js';
import { appendHtml } from './html-text.js';
import type { ParsedDocument } from './parsed-document.js';

export function parseHtml(html: string): ParsedDocument {
  const builder = new DocumentTextBuilder();
  const { title } = appendHtml(html, builder);
  return { format: 'html', title, text: builder.text, sections: builder.sections(), metadata: {} };
}
