// HTML to paragraphs and headings with htmlparser2's streaming tokenizer (no DOM: a large page costs one
// pass and little memory). Block elements end a paragraph, headings open sections, navigation and code that
// is not content (script, style, nav, …) are dropped, and entities are decoded by the tokenizer.
import { Parser } from 'htmlparser2';
import type { DocumentTextBuilder } from './document-text-builder.js';

/** Elements whose content is not document text. */
const SKIPPED = new Set([
  'script',
  'style',
  'nav',
  'noscript',
  'template',
  'svg',
  'iframe',
  'object',
  'select',
]);

/** Elements that start and end a paragraph. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hgroup',
  'hr',
  'html',
  'legend',
  'li',
  'main',
  'menu',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'ul',
]);

const HEADING = /^h([1-6])$/;

export interface HtmlTextResult {
  /** The <title>, else the first <h1>; null when neither has text. */
  title: string | null;
}

/** Streams `html` into `builder` as paragraphs and headings. */
export function appendHtml(html: string, builder: DocumentTextBuilder): HtmlTextResult {
  let skipDepth = 0;
  let preDepth = 0;
  let buffer = '';
  let headingLevel = 0;
  let inTitle = false;
  let title = '';
  let firstH1: string | null = null;
  let rowHasText = false;
  let cellSeparatorPending = false;

  const flush = (): void => {
    if (headingLevel > 0) {
      const heading = buffer.replace(/\s+/g, ' ').trim();
      if (heading !== '') {
        builder.heading(heading, headingLevel);
        if (headingLevel === 1 && firstH1 === null) firstH1 = heading;
      }
      headingLevel = 0;
    } else {
      builder.paragraph(buffer);
    }
    buffer = '';
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title' && skipDepth === 0) {
          inTitle = true;
          return;
        }
        if (SKIPPED.has(name)) {
          skipDepth++;
          return;
        }
        if (skipDepth > 0) return;
        const heading = HEADING.exec(name);
        if (heading) {
          if (headingLevel === 0) flush();
          headingLevel = Number(heading[1]);
          return;
        }
        if (name === 'br') {
          buffer += '\n';
          return;
        }
        if (name === 'tr') {
          rowHasText = false;
          cellSeparatorPending = false;
        }
        if (name === 'td' || name === 'th') {
          // Cells of one row stay on one line, separated so that values do not run together; the separator
          // waits for the cell's first text so that empty layout cells leave nothing behind.
          cellSeparatorPending = rowHasText;
          return;
        }
        if (BLOCKS.has(name) && headingLevel === 0) flush();
        if (name === 'pre') preDepth++;
      },
      ontext(text) {
        if (inTitle) {
          title += text;
          return;
        }
        if (skipDepth > 0) return;
        if (text.trim() !== '') {
          if (cellSeparatorPending) buffer += ' | ';
          cellSeparatorPending = false;
          rowHasText = true;
        }
        if (preDepth > 0) {
          buffer += text;
          return;
        }
        let collapsed = text.replace(/\s+/g, ' ');
        // After a <br> the line starts fresh; HTML's leading whitespace there is layout, not text.
        if (buffer.endsWith('\n') || buffer === '') collapsed = collapsed.trimStart();
        buffer += collapsed;
      },
      onclosetag(name) {
        if (name === 'title' && inTitle) {
          inTitle = false;
          return;
        }
        if (SKIPPED.has(name)) {
          if (skipDepth > 0) skipDepth--;
          return;
        }
        if (skipDepth > 0) return;
        if (HEADING.test(name)) {
          if (headingLevel > 0) flush();
          return;
        }
        if (BLOCKS.has(name) && headingLevel === 0) {
          flush();
          if (name === 'pre' && preDepth > 0) preDepth--;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  flush();
  const cleanTitle = title.replace(/\s+/g, ' ').trim();
  return { title: cleanTitle !== '' ? cleanTitle : firstH1 };
}

/** The text of an HTML fragment as one line-preserving string (for HTML embedded in Markdown). */
export function htmlFragmentText(html: string): string {
  let text = '';
  let skipDepth = 0;
  const parser = new Parser(
    {
      ontext(chunk) {
        if (skipDepth === 0) text += chunk;
      },
      onopentag(name) {
        if (SKIPPED.has(name)) skipDepth++;
        else if (skipDepth === 0 && (name === 'br' || BLOCKS.has(name))) text += '\n';
      },
      onclosetag(name) {
        if (SKIPPED.has(name) && skipDepth > 0) skipDepth--;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return text;
}

/** Decodes HTML character references in plain text (Markdown keeps `&amp;` and friends undecoded). */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  let decoded = '';
  const parser = new Parser(
    {
      ontext(chunk) {
        decoded += chunk;
      },
    },
    { decodeEntities: true, xmlMode: false },
  );
  // Escape '<' so that text like "a <b" is never read as a tag; only the entities are interpreted.
  parser.write(text.replaceAll('<', '&lt;'));
  parser.end();
  return decoded;
}
