export interface ParseDocumentInput {
  bytes: Uint8Array;
  fileName: string;
  contentType?: string;
  /** Aborting stops the parse: its worker is stopped, and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}
