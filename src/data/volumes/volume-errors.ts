// The errors of volume file operations, worded once.

import { LakegateError, validationError } from '../../core/index.js';

export function tooLarge(limit: number): LakegateError {
  return new LakegateError('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${limit} bytes.`, {
    details: { limitBytes: limit },
  });
}

export function alreadyExists(path: string): LakegateError {
  return new LakegateError('ALREADY_EXISTS', `'${path}' already exists; pass overwrite=true to replace it.`, {
    details: { path },
  });
}

export function isADirectory(path: string): LakegateError {
  return validationError(`'${path}' is a directory, not a file.`, { path });
}

export function notADirectory(path: string): LakegateError {
  return validationError(`'${path}' is a file, not a directory.`, { path });
}
