/**
 * Guessing what a file is from its first bytes: container format (magic bytes), text
 * encoding (BOM, UTF-8 validity) and CSV delimiter. Pure functions over buffers/strings,
 * plus one bounded forward scan for files whose first 64 KiB are plain ASCII.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';

export const SAMPLE_BYTES = 64 * 1024;

export type CsvDelimiter = ',' | ';' | '\t';
export type TextEncoding = 'utf8' | 'cp1251';

export type Magic = 'zip' | 'ole' | 'pdf' | 'gzip' | 'text';

/** What the first bytes say the container is. `ole` = Excel 97-2003 .xls (or an encrypted .xlsx). */
export function sniffMagic(head: Uint8Array): Magic {
  const b = head;
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return 'zip';
  if (b.length >= 4 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0) return 'ole';
  if (b.length >= 4 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46) return 'pdf';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  return 'text';
}

export type Bom = 'utf8' | 'utf16le' | 'utf16be' | 'utf32le' | 'utf32be';

export function sniffBom(head: Uint8Array): { bom: Bom; length: number } | null {
  const b = head;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { bom: 'utf8', length: 3 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { bom: 'utf32le', length: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { bom: 'utf32be', length: 4 };
  if (b[0] === 0xff && b[1] === 0xfe) return { bom: 'utf16le', length: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { bom: 'utf16be', length: 2 };
  return null;
}

/** Drop a multi-byte UTF-8 sequence cut in half at the end of a sample. */
export function cutAtUtf8Boundary(buf: Buffer): Buffer {
  const stop = Math.max(0, buf.length - 4);
  for (let i = buf.length - 1; i >= stop; i--) {
    const byte = buf[i]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + need > buf.length ? buf.subarray(0, i) : buf;
  }
  return buf;
}

/** True when `sample` is valid UTF-8; `truncated` = the sample is a prefix of something longer. */
export function looksUtf8(sample: Buffer, truncated: boolean): boolean {
  return isUtf8(truncated ? cutAtUtf8Boundary(sample) : sample);
}

/**
 * UTF-8 or Windows-1251 for a BOM-less file. The 64 KiB sample decides, except when it is
 * pure ASCII and the file goes on: then the first non-ASCII byte further on decides (a
 * Latin-only header with Cyrillic data far below is common); the scan reads 1 MiB at a time.
 */
export async function guessEncoding(
  file: FileHandle,
  sample: Buffer,
  sampleStart: number,
  size: number,
): Promise<TextEncoding> {
  const truncated = sampleStart + sample.length < size;
  if (!looksUtf8(sample, truncated)) return 'cp1251';
  if (!truncated || !isAscii(sample)) return 'utf8';
  const chunk = Buffer.allocUnsafe(1 << 20);
  let pos = sampleStart + sample.length;
  while (pos < size) {
    const { bytesRead } = await file.read(chunk, 0, chunk.length, pos);
    if (bytesRead === 0) break;
    const view = chunk.subarray(0, bytesRead);
    if (!isAscii(view)) {
      let i = 0;
      while (view[i]! < 0x80) i++;
      const window = Buffer.allocUnsafe(SAMPLE_BYTES);
      const got = (await file.read(window, 0, SAMPLE_BYTES, pos + i)).bytesRead;
      return looksUtf8(window.subarray(0, got), pos + i + got < size) ? 'utf8' : 'cp1251';
    }
    pos += bytesRead;
  }
  return 'utf8';
}

/**
 * Field counts of the first `maxRecords` non-blank records of `text` split by `delimiter`,
 * honouring double quotes (a quote opens only at the start of a field; `""` inside quotes is
 * a literal quote). When `truncated`, the last (possibly partial) record is dropped.
 */
export function countFields(text: string, delimiter: string, truncated: boolean, maxRecords = 20): number[] {
  const counts: number[] = [];
  let fields = 1;
  let fieldStart = true;
  let inQuotes = false;
  let nonBlank = false;
  const d = delimiter.charCodeAt(0);
  for (let i = 0; i < text.length && counts.length < maxRecords; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) i++;
        else inQuotes = false;
      }
      continue;
    }
    if (c === 34 && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      nonBlank = true;
    } else if (c === d) {
      fields++;
      fieldStart = true;
      nonBlank = true;
    } else if (c === 10 || c === 13) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (nonBlank) counts.push(fields);
      fields = 1;
      fieldStart = true;
      nonBlank = false;
    } else {
      fieldStart = false;
      if (c !== 32 && c !== 9) nonBlank = true;
    }
  }
  if (!truncated && nonBlank && counts.length < maxRecords) counts.push(fields);
  return counts;
}

/**
 * Pick `,`, `;` or tab: the candidate that splits the header into at least two fields and
 * splits the following records into the same number of fields (or one more: a trailing
 * delimiter) most consistently; ties go to the one giving more header fields. A file that
 * no candidate splits is a one-column file and gets `,`.
 */
export function detectDelimiter(text: string, truncated: boolean): CsvDelimiter {
  let best: CsvDelimiter = ',';
  let bestConsistency = -1;
  let bestFields = 0;
  for (const d of [',', ';', '\t'] as const) {
    const counts = countFields(text, d, truncated);
    const header = counts[0] ?? 0;
    if (header < 2) continue;
    const rest = counts.slice(1);
    const good = rest.filter((n) => n === header || n === header + 1).length;
    const consistency = rest.length === 0 ? 1 : good / rest.length;
    if (
      consistency > bestConsistency + 1e-9 ||
      (Math.abs(consistency - bestConsistency) <= 1e-9 && header > bestFields)
    ) {
      best = d;
      bestConsistency = consistency;
      bestFields = header;
    }
  }
  return best;
}
