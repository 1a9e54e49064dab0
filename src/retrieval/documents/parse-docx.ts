// DOCX through mammoth: its HTML keeps Word's Heading styles as <h1>…<h6>, so the HTML path gives sections
// for free. Core properties (title, author, dates) come from docProps/core.xml, which mammoth does not read.

import { Parser } from 'htmlparser2';
import mammoth from 'mammoth';
import { unreadableDocument } from './document-error.js';
import { DocumentTextBuilder } from './document-text-builder.js';
import { appendHtml } from './html-text.js';
import type { ParsedDocument } from './parsed-document.js';
import { readZipEntry, zipEntries } from './read-zip-entry.js';

const CORE_PROPERTIES_MAX_BYTES = 256 * 1024;
/**
 * mammoth inflates the document's XML parts in memory; a few KB of zip can declare gigabytes (a zip bomb).
 * Real documents' XML stays far below this even for books; images are not inflated (we drop them).
 */
export const MAX_DOCX_XML_BYTES = 256 * 1024 * 1024;
const CORE_FIELDS: Record<string, string> = {
  'dc:title': 'title',
  'dc:creator': 'author',
  'dc:subject': 'subject',
  'dcterms:created': 'created',
  'dcterms:modified': 'modified',
  'cp:lastmodifiedby': 'last_modified_by',
};

function coreProperties(bytes: Uint8Array): Record<string, string> {
  const xml = readZipEntry(bytes, 'docProps/core.xml', CORE_PROPERTIES_MAX_BYTES);
  const properties: Record<string, string> = {};
  if (!xml) return properties;
  let field: string | null = null;
  let value = '';
  const parser = new Parser(
    {
      onopentag(name) {
        field = CORE_FIELDS[name] ?? null;
        value = '';
      },
      ontext(text) {
        if (field) value += text;
      },
      onclosetag() {
        if (field && value.trim() !== '') properties[field] = value.trim();
        field = null;
      },
    },
    { xmlMode: true, decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(new TextDecoder().decode(xml));
  parser.end();
  return properties;
}

/** Rejects what is not a DOCX, or declares more XML than we are willing to inflate, before mammoth reads it. */
function checkArchive(bytes: Uint8Array, fileName: string): void {
  const entries = zipEntries(bytes);
  if (!entries) throw unreadableDocument(fileName, 'not a readable DOCX (it is not a ZIP archive)');
  if (!entries.some((e) => e.name === 'word/document.xml')) {
    throw unreadableDocument(fileName, 'not a readable DOCX (the archive has no word/document.xml)');
  }
  const xmlBytes = entries
    .filter((e) => e.name.endsWith('.xml') || e.name.endsWith('.rels'))
    .reduce((sum, e) => sum + e.size, 0);
  if (xmlBytes > MAX_DOCX_XML_BYTES) {
    throw unreadableDocument(
      fileName,
      `the DOCX declares ${xmlBytes} bytes of XML; the limit is ${MAX_DOCX_XML_BYTES}`,
    );
  }
}

export async function parseDocx(bytes: Uint8Array, fileName: string): Promise<ParsedDocument> {
  checkArchive(bytes, fileName);
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        // Images would be inlined as base64 data URIs: megabytes of HTML that carry no text.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
        // Never follow links to files outside the document (a DOCX from a user could point anywhere).
        externalFileAccess: false,
      },
    );
    html = result.value;
  } catch (error) {
    throw unreadableDocument(
      fileName,
      `not a readable DOCX (${error instanceof Error ? error.message : String(error)})`,
      error,
    );
  }
  const builder = new DocumentTextBuilder();
  const { title: firstHeading } = appendHtml(html, builder);
  const { title, ...rest } = coreProperties(bytes);
  return {
    format: 'docx',
    title: title ?? firstHeading,
    text: builder.text,
    sections: builder.sections(),
    metadata: rest,
  };
}
