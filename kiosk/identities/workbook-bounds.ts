import { inflateRawSync } from 'node:zlib';
import {
  megabytes,
  RosterLimitExceeded,
  type RosterLimits,
  tooManyCells,
  tooManyRows,
  unzippedTooLarge,
} from './roster-limits.ts';
import { UnreadableRosterFile } from './roster-sheet.ts';

/** One file in a zip archive, as its central directory lists it. */
export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  /** The size it says it unzips to. */
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** An .xlsx has a few dozen parts; thousands mean something else. */
const MAX_ENTRIES = 10_000;

const damaged = (why: string) =>
  new UnreadableRosterFile({
    zh: `不是可读的 .xlsx 工作簿（${why}）；请在 Excel 中另存为 .xlsx，或存为 CSV`,
    en: `not a readable .xlsx workbook (${why}); save it from Excel as .xlsx, or as CSV`,
  });

/** The archive's central directory: every entry with its sizes, read without unzipping anything. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let at = buf.length - 22; at >= Math.max(0, buf.length - 22 - 0xffff); at--) {
    if (buf.readUInt32LE(at) === EOCD) {
      end = at;
      break;
    }
  }
  if (end < 0) throw damaged('no zip directory at its end');
  const count = buf.readUInt16LE(end + 10);
  const dirSize = buf.readUInt32LE(end + 12);
  const dirOffset = buf.readUInt32LE(end + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw damaged('a ZIP64 archive');
  if (count > MAX_ENTRIES) throw damaged(`${count} parts`);
  if (dirOffset + dirSize > end) throw damaged('its zip directory points past the file');
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || buf.readUInt32LE(at) !== CENTRAL) throw damaged('a broken zip directory');
    const nameLength = buf.readUInt16LE(at + 28);
    const entry: ZipEntry = {
      flags: buf.readUInt16LE(at + 8),
      method: buf.readUInt16LE(at + 10),
      compressedSize: buf.readUInt32LE(at + 20),
      size: buf.readUInt32LE(at + 24),
      localHeaderOffset: buf.readUInt32LE(at + 42),
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
    };
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff) throw damaged('a ZIP64 archive');
    entries.push(entry);
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return entries;
}

/** The entry's bytes as stored in the archive (still compressed). */
function storedData(buf: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL) throw damaged(`no data for ${entry.name}`);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  if (start + entry.compressedSize > buf.length) throw damaged(`${entry.name} runs past the end of the file`);
  return buf.subarray(start, start + entry.compressedSize);
}

/** Rows and cells of a worksheet part, and how many rows hold a value. */
export interface SheetCount {
  rows: number;
  rowsWithValues: number;
  cells: number;
}

const LT = 0x3c;

/**
 * Counts `<row>` and `<c>` elements of a worksheet's XML, and the rows with a value (`<v>`, `<is>`,
 * `<f>`) in them, by scanning tags; prefixed names (`<x:row>`) count too. Nothing is built.
 */
export function countSheet(xml: Buffer): SheetCount {
  const count: SheetCount = { rows: 0, rowsWithValues: 0, cells: 0 };
  let rowHasValue = false;
  let at = xml.indexOf(LT);
  while (at >= 0) {
    let start = at + 1;
    const first = xml[start];
    if (first !== 0x2f && first !== 0x3f && first !== 0x21) {
      let stop = start;
      for (;;) {
        const b = xml[stop];
        if (
          b === undefined ||
          b === 0x20 ||
          b === 0x3e ||
          b === 0x2f ||
          b === 0x09 ||
          b === 0x0a ||
          b === 0x0d
        )
          break;
        if (b === 0x3a) start = stop + 1; // a namespace prefix
        stop++;
      }
      const length = stop - start;
      const c0 = xml[start];
      if (length === 1 && c0 === 0x63)
        count.cells++; // c
      else if (length === 1 && (c0 === 0x76 || c0 === 0x66))
        rowHasValue = true; // v, f
      else if (length === 2 && c0 === 0x69 && xml[start + 1] === 0x73)
        rowHasValue = true; // is
      else if (length === 3 && c0 === 0x72 && xml[start + 1] === 0x6f && xml[start + 2] === 0x77) {
        if (rowHasValue) count.rowsWithValues++;
        rowHasValue = false;
        count.rows++;
      }
    }
    at = xml.indexOf(LT, at + 1);
  }
  if (rowHasValue) count.rowsWithValues++;
  return count;
}

const worksheetPart = /^\/?xl\/worksheets\/[^/]+\.xml$/i;

/**
 * Checks an .xlsx archive against the limits before a workbook reader sees it: the sizes its
 * directory states, then every part unzipped with no more room than it stated (so a part that
 * lies about its size stops at that size), and the rows and cells of its worksheets. Throws
 * `RosterLimitExceeded` for a file over a bound, `UnreadableRosterFile` for a damaged one.
 */
export function checkWorkbookBounds(bytes: Uint8Array, limits: RosterLimits): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = zipEntries(buf);
  const stated = entries.reduce((sum, e) => sum + e.size, 0);
  if (stated > limits.maxUnzippedBytes)
    throw new RosterLimitExceeded(
      unzippedTooLarge(limits, { zh: `${megabytes(stated)} MB`, en: `${megabytes(stated)} MB` }),
    );
  // A header, a title line or two, and an instructions sheet: people are counted exactly once read.
  const maxRows = 2 * limits.maxRows + 100;
  const maxCells = maxRows * 20;
  let rows = 0;
  let cells = 0;
  for (const entry of entries) {
    if (entry.name.endsWith('/') && entry.size === 0) continue;
    if (entry.flags & 1) throw damaged('it is encrypted');
    const data = storedData(buf, entry);
    let part: Buffer;
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) throw damaged(`${entry.name} has two sizes`);
      part = data;
    } else if (entry.method === 8) {
      try {
        part = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new RosterLimitExceeded(
            unzippedTooLarge(limits, {
              zh: `${entry.name} 解压后超过它声明的 ${entry.size} 字节`,
              en: `${entry.name} unzips to more than the ${entry.size} bytes it states`,
            }),
          );
        }
        throw damaged(`${entry.name} cannot be unzipped`);
      }
      if (part.length !== entry.size) throw damaged(`${entry.name} is shorter than it states`);
    } else {
      throw damaged(`${entry.name} is compressed with method ${entry.method}`);
    }
    if (!worksheetPart.test(entry.name)) continue;
    const sheet = countSheet(part);
    rows += sheet.rowsWithValues;
    cells += sheet.cells;
    if (rows > maxRows) {
      throw new RosterLimitExceeded(
        tooManyRows(limits, { zh: `工作簿有 ${rows} 行`, en: `${rows} rows in the workbook` }),
      );
    }
    if (cells > maxCells) throw new RosterLimitExceeded(tooManyCells(limits, cells, maxCells));
  }
}
