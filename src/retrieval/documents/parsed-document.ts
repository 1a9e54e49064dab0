import type { DocumentFormat } from './document-format.js';

/** A heading and the span of text it governs (up to the next heading), as offsets into `ParsedDocument.text`. */
export interface DocumentSection {
  heading: string | null;
  start: number;
  end: number;
  /** PDF: the 1-based page where the section starts. */
  page?: number;
  /** 1 for a top-level heading (h1, `#`, Heading 1) … 6; absent for the untitled text before the first heading. */
  level?: number;
}

export interface DocumentPage {
  number: number;
  start: number;
  end: number;
}

export interface ParsedDocument {
  format: DocumentFormat;
  /** PDF/DOCX core properties, HTML <title>/<h1>, Markdown first heading; null when the document has none. */
  title: string | null;
  /** The whole document as plain text, paragraphs separated by blank lines. */
  text: string;
  /** PDF: 1-based pages as offsets into `text`. */
  pages?: DocumentPage[];
  /** Headings in document order. */
  sections: DocumentSection[];
  /** e.g. page_count, author, created. */
  metadata: Record<string, string | number | boolean>;
}
