// The central directory of a ZIP archive (a DOCX), read with DataView and node:zlib: mammoth reads the
// document body but neither the core properties nor the declared sizes we check before letting it inflate.
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  /** The uncompressed size the archive declares. */
  size: number;
  localOffset: number;
}

/** The entries of the archive's central directory, or null when it is not a ZIP archive. */
export function zipEntries(zip: Uint8Array): ZipEntry[] | null {
  if (zip.byteLength < 22) return null;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // The end record is in the last 22 bytes plus an archive comment of at most 65,535 bytes.
  let end = -1;
  for (let at = zip.byteLength - 22; at >= Math.max(0, zip.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) return null;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.byteLength || view.getUint32(at, true) !== CENTRAL_FILE_HEADER) return null;
    const nameLength = view.getUint16(at + 28, true);
    entries.push({
      name: decoder.decode(zip.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

/** The bytes of `name` in the archive, or null when it is absent, larger than `maxBytes` or unreadable. */
export function readZipEntry(zip: Uint8Array, name: string, maxBytes: number): Uint8Array | null {
  const entry = zipEntries(zip)?.find((e) => e.name === name);
  if (!entry || entry.size > maxBytes || entry.localOffset + 30 > zip.byteLength) return null;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  if (view.getUint32(entry.localOffset, true) !== LOCAL_FILE_HEADER) return null;
  const dataStart =
    entry.localOffset +
    30 +
    view.getUint16(entry.localOffset + 26, true) +
    view.getUint16(entry.localOffset + 28, true);
  const data = zip.subarray(dataStart, dataStart + entry.compressedSize);
  if (entry.method === STORED) return data;
  if (entry.method !== DEFLATED) return null;
  try {
    return inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch {
    return null;
  }
}
