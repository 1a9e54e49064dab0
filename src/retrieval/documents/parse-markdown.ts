// Markdown through marked's lexer: we want its structure (headings become sections, code blocks stay as text),
// not its HTML. Inline markup is reduced to the words a reader sees.
import { Lexer, type MarkedToken, type Token } from 'marked';
import { DocumentTextBuilder } from './document-text-builder.js';
import { decodeEntities, htmlFragmentText } from './html-text.js';
import { splitFrontMatter } from './markdown-front-matter.js';
import type { ParsedDocument } from './parsed-document.js';

function inlineText(tokens: readonly Token[] | undefined): string {
  if (!tokens) return '';
  let text = '';
  for (const raw of tokens) {
    const token = raw as MarkedToken;
    switch (token.type) {
      case 'text':
        text += token.tokens ? inlineText(token.tokens) : decodeEntities(token.text);
        break;
      case 'escape':
      case 'codespan':
        text += token.text;
        break;
      case 'image':
        text += token.text;
        break;
      case 'br':
        text += '\n';
        break;
      case 'html':
        // Inline tags are markup, except a line break.
        if (/^<br\s*\/?>$/i.test(token.text.trim())) text += '\n';
        break;
      case 'em':
      case 'strong':
      case 'del':
      case 'link':
        text += inlineText(token.tokens);
        break;
      default:
        break;
    }
  }
  return text;
}

/** The lines of a list, nested lists indented under their item; ordered lists keep their numbers. */
function listLines(token: Extract<MarkedToken, { type: 'list' }>, indent: string): string[] {
  const lines: string[] = [];
  const first = typeof token.start === 'number' ? token.start : 1;
  token.items.forEach((item, i) => {
    const marker = token.ordered ? `${first + i}. ` : '';
    let own = '';
    const nested: string[] = [];
    for (const raw of item.tokens) {
      const child = raw as MarkedToken;
      if (child.type === 'list') nested.push(...listLines(child, `${indent}  `));
      else if (child.type === 'text' || child.type === 'paragraph')
        own += (own ? ' ' : '') + inlineText(child.tokens ?? []);
      else if (child.type === 'code') nested.push(child.text);
    }
    lines.push(`${indent}${marker}${own}`, ...nested);
  });
  return lines;
}

function appendBlocks(
  tokens: readonly Token[],
  builder: DocumentTextBuilder,
  onHeading: (text: string) => void,
): void {
  for (const raw of tokens) {
    const token = raw as MarkedToken;
    switch (token.type) {
      case 'heading': {
        const heading = inlineText(token.tokens);
        builder.heading(heading, token.depth);
        onHeading(heading);
        break;
      }
      case 'paragraph':
      case 'text':
        builder.paragraph(token.tokens ? inlineText(token.tokens) : decodeEntities(token.text));
        break;
      case 'code':
        builder.paragraph(token.text);
        break;
      case 'blockquote':
        appendBlocks(token.tokens, builder, onHeading);
        break;
      case 'list':
        builder.paragraph(listLines(token, '').join('\n'));
        break;
      case 'table': {
        const rows = [token.header, ...token.rows].map((cells) =>
          cells.map((cell) => inlineText(cell.tokens)).join(' | '),
        );
        builder.paragraph(rows.join('\n'));
        break;
      }
      case 'html':
        builder.paragraph(htmlFragmentText(token.text));
        break;
      default:
        break;
    }
  }
}

export function parseMarkdown(source: string): ParsedDocument {
  const frontMatter = splitFrontMatter(source);
  const builder = new DocumentTextBuilder();
  let title: string | null = frontMatter.title;
  appendBlocks(Lexer.lex(frontMatter.body), builder, (heading) => {
    if (title === null && heading.trim() !== '') title = heading.replace(/\s+/g, ' ').trim();
  });
  return {
    format: 'markdown',
    title,
    text: builder.text,
    sections: builder.sections(),
    metadata: frontMatter.metadata,
  };
}
