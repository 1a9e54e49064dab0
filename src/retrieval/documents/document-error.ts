import { LakegateError } from '../../core/index.js';

/** The one error a parser raises for a file it cannot read: VALIDATION_FAILED naming the file and the reason. */
export function unreadableDocument(fileName: string, reason: string, cause?: unknown): LakegateError {
  return new LakegateError('VALIDATION_FAILED', `Cannot read document '${fileName}': ${reason}`, {
    details: { fileName, reason },
    ...(cause === undefined ? {} : { cause }),
  });
}
