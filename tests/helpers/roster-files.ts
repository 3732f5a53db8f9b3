// Roster files too big for a school, made in the test: a workbook of many rows, zip bombs that
// state their sizes honestly or lie about them, a long CSV. The zip is written by hand (node:zlib),
// so a part can say anything about its size.
import { once } from 'node:events';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

export interface ZipPart {
  name: string;
  /** The part's content, deflated here. */
  data?: string | Uint8Array;
  /** Or its deflated bytes as they are, with the size and CRC the archive states for them. */
  deflated?: { bytes: Uint8Array; statedSize: number; crc?: number };
}

/** A zip archive of deflated parts, with a central directory as .xlsx readers expect. */
export function zip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    let body: Uint8Array;
    let size: number;
    let crc: number;
    if (part.deflated) {
      body = part.deflated.bytes;
      size = part.deflated.statedSize;
      crc = part.deflated.crc ?? 0;
    } else {
      const raw = typeof part.data === 'string' ? Buffer.from(part.data) : Buffer.from(part.data ?? []);
      body = deflateRawSync(raw);
      size = raw.length;
      crc = crc32(raw);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(body));
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const xmlHead = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The parts of a workbook around its one sheet. */
function workbookParts(sheetXml: string | Uint8Array, shared: readonly string[]): ZipPart[] {
  return [
    {
      name: '[Content_Types].xml',
      data:
        `${xmlHead}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
        '</Types>',
    },
    {
      name: '_rels/.rels',
      data:
        `${xmlHead}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
        '</Relationships>',
    },
    {
      name: 'xl/workbook.xml',
      data:
        `${xmlHead}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
        '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data:
        `${xmlHead}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' +
        '</Relationships>',
    },
    {
      name: 'xl/sharedStrings.xml',
      data:
        `${xmlHead}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}" uniqueCount="${shared.length}">` +
        `${shared.map((s) => `<si><t>${escapeXml(s)}</t></si>`).join('')}</sst>`,
    },
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml },
  ];
}

/**
 * An .xlsx roster of `people` staff below a 学号/姓名/类型 header, the way an export of everyone a
 * school ever had looks: a unique id per row, the name and kind shared. (Staff need no grade,
 * which keeps each row small: 300,000 rows unzip to about 40 MB.)
 */
export function rosterWorkbook(people: number): Buffer {
  const shared = ['学号', '姓名', '类型', '张三', '教职工'];
  const cell = (ref: string, shared: number) => `<c r="${ref}" t="s"><v>${shared}</v></c>`;
  const rows: string[] = [`<row r="1">${cell('A1', 0)}${cell('B1', 1)}${cell('C1', 2)}</row>`];
  for (let i = 0; i < people; i++) {
    const r = i + 2;
    rows.push(
      `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>T${String(i).padStart(7, '0')}</t></is></c>` +
        `${cell(`B${r}`, 3)}${cell(`C${r}`, 4)}</row>`,
    );
  }
  const sheet =
    `${xmlHead}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
    `<sheetData>${rows.join('')}</sheetData></worksheet>`;
  return zip(workbookParts(sheet, shared));
}

/** A CSV roster of `people` pupils (UTF-8). */
export function rosterCsv(people: number): Buffer {
  const lines = ['id,name,kind,grade'];
  for (let i = 0; i < people; i++) lines.push(`S${String(i).padStart(7, '0')},张三,学生,1`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** `megabytes` MB of the same byte, deflated as a stream (never held unzipped). */
export async function deflatedFill(megabytes: number, byte = 0x20): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const chunk = Buffer.alloc(1024 * 1024, byte);
  for (let i = 0; i < megabytes; i++) if (!deflate.write(chunk)) await once(deflate, 'drain');
  deflate.end();
  await once(deflate, 'end');
  return Buffer.concat(out);
}

/**
 * A workbook whose sheet unzips to `megabytes` MB of blanks. Honest, it says so in its directory;
 * lying, it says its sheet is 1 KB.
 */
export async function zipBomb(megabytes: number, lie: boolean): Promise<Buffer> {
  const bytes = await deflatedFill(megabytes);
  const parts = workbookParts('', ['学号']).filter((p) => p.name !== 'xl/worksheets/sheet1.xml');
  return zip([
    ...parts,
    {
      name: 'xl/worksheets/sheet1.xml',
      deflated: { bytes, statedSize: lie ? 1024 : megabytes * 1024 * 1024 },
    },
  ]);
}
