// Which parser a file goes to. The extension wins because object stores and upload clients often send a
// generic content type (application/octet-stream); the content type only decides when the name says nothing.

export type DocumentFormat = 'pdf' | 'docx' | 'html' | 'markdown' | 'text' | 'csv';

const BY_EXTENSION: Record<string, DocumentFormat> = {
  pdf: 'pdf',
  docx: 'docx',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  md: 'markdown',
  markdown: 'markdown',
  txt: 'text',
  text: 'text',
  csv: 'csv',
};

const BY_CONTENT_TYPE: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/csv': 'csv',
};

/** The format of a file from its name (extension) or, failing that, its content type; null when unsupported. */
export function documentFormatOf(fileName: string, contentType?: string): DocumentFormat | null {
  const baseName = fileName.slice(fileName.lastIndexOf('/') + 1);
  const dot = baseName.lastIndexOf('.');
  if (dot > 0) {
    const byExtension = BY_EXTENSION[baseName.slice(dot + 1).toLowerCase()];
    if (byExtension) return byExtension;
  }
  if (contentType === undefined) return null;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return BY_CONTENT_TYPE[mediaType] ?? null;
}
