export interface ChunkSpan {
  index: number;
  text: string;
  start: number;
  end: number;
}

/** A piece of a document to embed and index; `start`/`end` are offsets into `ParsedDocument.text`. */
export interface Chunk extends ChunkSpan {
  /** PDF: the page where the chunk starts. */
  page?: number;
  /** The nearest heading at or before the chunk's start. */
  section?: string;
  /** HIERARCHICAL: the parent chunk retrieval returns for this (embedded) child. */
  parent?: ChunkSpan;
}

/** Embeds texts in order; SEMANTIC chunking uses it to compare neighbouring sentences. */
export type EmbedTexts = (texts: string[]) => Promise<Float32Array[]>;
