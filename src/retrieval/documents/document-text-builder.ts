// Every structured parser (HTML, DOCX, Markdown, PDF, CSV) produces the same shape: paragraphs joined by one
// blank line, with headings and pages recorded as offsets while the text is built — so offsets are exact by
// construction instead of being searched for afterwards.

import type { DocumentPage, DocumentSection } from './parsed-document.js';

export class DocumentTextBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  private readonly headings: { heading: string; level: number; start: number; page?: number }[] = [];
  private readonly pageList: DocumentPage[] = [];
  private currentPage: { number: number; start: number } | null = null;

  /** Appends one paragraph (trimmed; blank lines inside collapse so paragraphs stay separated by exactly one). */
  paragraph(text: string): { start: number; end: number } | null {
    const clean = text
      .replace(/[ \t\f\v\r]+\n/g, '\n')
      .replace(/\n{2,}/g, '\n')
      .trim();
    if (clean === '') return null;
    if (this.length > 0) {
      this.parts.push('\n\n');
      this.length += 2;
    }
    const start = this.length;
    this.parts.push(clean);
    this.length += clean.length;
    return { start, end: this.length };
  }

  /** Appends a heading as its own paragraph and opens a section there. */
  heading(text: string, level: number): void {
    const heading = text.replace(/\s+/g, ' ').trim();
    const span = this.paragraph(heading);
    if (!span) return;
    const page = this.currentPage?.number;
    this.headings.push({ heading, level, start: span.start, ...(page === undefined ? {} : { page }) });
  }

  beginPage(number: number): void {
    this.endPage();
    // The page starts where its first paragraph will: after the separator that paragraph adds.
    this.currentPage = { number, start: this.length === 0 ? 0 : this.length + 2 };
  }

  endPage(): void {
    if (!this.currentPage) return;
    const { number, start } = this.currentPage;
    // An empty page (a scan, a blank page) still gets an entry, as an empty span where it would have been.
    const pageStart = Math.min(start, this.length);
    this.pageList.push({ number, start: pageStart, end: Math.max(pageStart, this.length) });
    this.currentPage = null;
  }

  get text(): string {
    return this.parts.join('');
  }

  pages(): DocumentPage[] {
    this.endPage();
    return this.pageList;
  }

  /**
   * Opens a section at an offset of text already appended (a PDF's outline entry found on its page), for
   * formats whose headings are not paragraphs the parser appends itself.
   */
  sectionAt(heading: string, level: number, start: number, page?: number): void {
    const clean = heading.replace(/\s+/g, ' ').trim();
    if (clean === '' || start < 0 || start > this.length) return;
    this.headings.push({ heading: clean, level, start, ...(page === undefined ? {} : { page }) });
  }

  /** The sections: an untitled one for any text before the first heading, then one per heading. */
  sections(): DocumentSection[] {
    const text = this.text;
    const headings = [...this.headings].sort((a, b) => a.start - b.start);
    // A section ends where the next one starts, without the whitespace between them.
    const endBefore = (start: number, next: number): number => {
      let end = next;
      while (end > start && /\s/.test(text.charAt(end - 1))) end--;
      return end;
    };
    const sections: DocumentSection[] = [];
    const first = headings[0];
    if (this.length > 0 && (!first || first.start > 0)) {
      sections.push({ heading: null, start: 0, end: first ? endBefore(0, first.start) : this.length });
    }
    headings.forEach((h, i) => {
      const next = headings[i + 1];
      const section: DocumentSection = {
        heading: h.heading,
        start: h.start,
        end: next ? endBefore(h.start, next.start) : this.length,
        level: h.level,
      };
      if (h.page !== undefined) section.page = h.page;
      sections.push(section);
    });
    return sections;
  }
}
