import { describe, expect, it } from 'vitest';
import { createLineScannerCodec, createLineScannerSimulator } from '../../drivers/scanner/line-scanner.ts';
import { decodeScannedText, encodeGb18030 } from '../../drivers/text-decode.ts';
import type { DeviceEvent } from '../../drivers/types.ts';
import { ascii, byteByByte, concat, decodeAll, hex } from '../helpers/codec-kit.ts';

// 32 30 32 34 30 33 30 31 31 37 0d: a student id from a Code128 card, Honeywell default CR suffix.
const ID_CR = hex('32 30 32 34 30 33 30 31 31 37 0d');
// 32 30 32 34 30 33 30 31 31 37 0d 0a: the same with Datalogic's CR LF.
const ID_CRLF = hex('32 30 32 34 30 33 30 31 31 37 0d 0a');
// 5d 51 31 48 43 3a 30 30 34 32 0d: AIM ]Q1 (QR, no ECI) before the text.
const QR_AIM = hex('5d 51 31 48 43 3a 30 30 34 32 0d');
// "张伟 2024030117" in UTF-8: 张 = e5 bc a0, 伟 = e4 bc 9f.
const UTF8_NAME = hex('e5 bc a0 e4 bc 9f 20 32 30 32 34 30 33 30 31 31 37 0d');
// "张伟 2024030117" in GBK: 张 = d5 c5, 伟 = ce b0.
const GBK_NAME = hex('d5 c5 ce b0 20 32 30 32 34 30 33 30 31 31 37 0d');
// 02 ... 03 0d: STX/ETX-wrapped frame.
const STX_ETX_FRAME = hex('02 32 30 32 34 30 33 30 31 31 37 03 0d');

const ID_EVENT: DeviceEvent = { kind: 'identity', text: '2024030117', source: 'scan' };
const NAME_EVENT: DeviceEvent = { kind: 'identity', text: '张伟 2024030117', source: 'scan' };

/** mulberry32, for repeatable random input. */
describe('line scanner codec', () => {
  it('emits a scan for a CR-terminated frame', () => {
    const codec = createLineScannerCodec();
    expect(codec.decode(ID_CR)).toEqual([ID_EVENT]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('emits one scan for a CR LF frame and for a LF-only frame', () => {
    const codec = createLineScannerCodec();
    expect(codec.decode(ID_CRLF)).toEqual([ID_EVENT]);
    expect(codec.decode(ascii('T2019-0042\n'))).toEqual([
      { kind: 'identity', text: 'T2019-0042', source: 'scan' },
    ]);
    expect(codec.counters.frames).toBe(2);
  });

  it('does not make an empty frame of a LF that arrives in the chunk after its CR', () => {
    const codec = createLineScannerCodec();
    expect(codec.decode(ID_CRLF.subarray(0, 11))).toEqual([ID_EVENT]);
    expect(codec.decode(ID_CRLF.subarray(11))).toEqual([]);
    expect(codec.decode(ID_CR)).toEqual([ID_EVENT]);
    expect(codec.counters).toEqual({ frames: 2, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('decodes two frames in one chunk', () => {
    const codec = createLineScannerCodec();
    expect(codec.decode(concat(ID_CRLF, QR_AIM))).toEqual([
      ID_EVENT,
      { kind: 'identity', text: 'HC:0042', source: 'scan', symbology: ']Q1' },
    ]);
  });

  it('decodes a frame delivered byte by byte, completing on its terminator', () => {
    const codec = createLineScannerCodec();
    const results = byteByByte(QR_AIM).map((chunk) => codec.decode(chunk));
    expect(results.slice(0, -1).flat()).toEqual([]);
    expect(results.at(-1)).toEqual([{ kind: 'identity', text: 'HC:0042', source: 'scan', symbology: ']Q1' }]);
  });

  it('moves AIM identifiers into symbology and leaves other leading brackets in the text', () => {
    const codec = createLineScannerCodec();
    const events = codec.decode(ascii(']C02024030117\r]E06901234567892\r]d2ABC\r]12345\r'));
    expect(events).toEqual([
      { kind: 'identity', text: '2024030117', source: 'scan', symbology: ']C0' },
      { kind: 'identity', text: '6901234567892', source: 'scan', symbology: ']E0' },
      { kind: 'identity', text: 'ABC', source: 'scan', symbology: ']d2' },
      { kind: 'identity', text: ']12345', source: 'scan' },
    ]);
  });

  it('drops NUL junk before and inside a frame and strips STX/ETX', () => {
    const codec = createLineScannerCodec();
    expect(codec.decode(concat(hex('00 00 00'), ID_CR))).toEqual([ID_EVENT]);
    expect(codec.decode(STX_ETX_FRAME)).toEqual([ID_EVENT]);
    expect(codec.decode(hex('02 5d 51 31 41 00 42 03 0d'))).toEqual([
      { kind: 'identity', text: 'AB', source: 'scan', symbology: ']Q1' },
    ]);
    expect(codec.counters).toEqual({ frames: 3, badChecksums: 0, bytesSkipped: 4, oversize: 0, resyncs: 0 });
  });

  it('ignores empty frames and an AIM identifier with no code', () => {
    const codec = createLineScannerCodec();
    expect(codec.decode(ascii('\r\r\n\n\r\n]Q1\r'))).toEqual([]);
    expect(codec.decode(hex('02 03 0d 00 0d'))).toEqual([]);
    expect(codec.counters).toEqual({ frames: 0, badChecksums: 0, bytesSkipped: 4, oversize: 0, resyncs: 0 });
  });

  it('decodes UTF-8 Chinese split inside a character', () => {
    const codec = createLineScannerCodec();
    // Cut after the first byte of 张 and between the second and third bytes of 伟.
    expect(
      decodeAll(codec, [UTF8_NAME.subarray(0, 1), UTF8_NAME.subarray(1, 5), UTF8_NAME.subarray(5)]),
    ).toEqual([NAME_EVENT]);
    expect(decodeAll(codec, byteByByte(UTF8_NAME))).toEqual([NAME_EVENT]);
  });

  it('decodes GBK Chinese split inside a character', () => {
    const codec = createLineScannerCodec();
    expect(
      decodeAll(codec, [GBK_NAME.subarray(0, 1), GBK_NAME.subarray(1, 3), GBK_NAME.subarray(3)]),
    ).toEqual([NAME_EVENT]);
    expect(decodeAll(codec, byteByByte(GBK_NAME))).toEqual([NAME_EVENT]);
  });

  it('drops a frame over 4096 bytes and resynchronises at the next terminator', () => {
    const codec = createLineScannerCodec();
    const big = new Uint8Array(5000).fill(0x41);
    for (let start = 0; start < big.length; start += 1024) {
      expect(codec.decode(big.subarray(start, start + 1024))).toEqual([]);
    }
    expect(codec.decode(concat(ascii('tail of the long frame\r'), ID_CR))).toEqual([ID_EVENT]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 0, oversize: 1, resyncs: 0 });
  });

  it('accepts a frame of exactly 4096 bytes', () => {
    const codec = createLineScannerCodec();
    const events = codec.decode(concat(new Uint8Array(4096).fill(0x42), ascii('\r')));
    expect(events).toEqual([{ kind: 'identity', text: 'B'.repeat(4096), source: 'scan' }]);
    expect(codec.counters.oversize).toBe(0);
  });
});

describe('scanned text decoding', () => {
  it('prefers strict UTF-8 and falls back to GB18030', () => {
    expect(decodeScannedText(hex('e5 bc a0 e4 bc 9f'))).toEqual({ text: '张伟', encoding: 'utf-8' });
    expect(decodeScannedText(hex('d5 c5 ce b0'))).toEqual({ text: '张伟', encoding: 'gb18030' });
  });

  it('encodes GBK two-byte characters and GB18030 four-byte ones', () => {
    expect(Buffer.from(encodeGb18030('张伟 A')).toString('hex')).toBe('d5c5ceb02041');
    expect(Buffer.from(encodeGb18030('€')).toString('hex')).toBe('a2e3');
    expect(Buffer.from(encodeGb18030('ÿ')).toString('hex')).toBe('81308b37');
    expect(Buffer.from(encodeGb18030('𠀀')).toString('hex')).toBe('95328236');
    const sample = '李娜 学号:2024030118 绿码 ÿé€𠀀';
    expect(new TextDecoder('gb18030').decode(encodeGb18030(sample))).toBe(sample);
  });
});

describe('line scanner simulator', () => {
  const texts = ['2024030117', 'T2019-0042', '张伟 2024030117', '姓名:李娜;学号:2024030118;健康码:绿'];
  const variants = [
    {},
    { aim: ']Q1' },
    { terminator: 'CRLF' as const },
    { encoding: 'gbk' as const, aim: ']Q1', terminator: 'CRLF' as const },
    { encoding: 'gbk' as const },
  ];

  it('round-trips every scan through the codec, whatever the seed and settings', () => {
    for (let seed = 1; seed <= 20; seed++) {
      for (const variant of variants) {
        const simulator = createLineScannerSimulator({ seed, ...variant });
        const codec = createLineScannerCodec();
        for (const text of texts) {
          const chunks = simulator.emit({ kind: 'scan', text });
          expect(chunks.length).toBeGreaterThanOrEqual(1);
          expect(chunks.length).toBeLessThanOrEqual(3);
          const expected: DeviceEvent = { kind: 'identity', text, source: 'scan' };
          if (variant.aim !== undefined) expected.symbology = variant.aim;
          expect(
            decodeAll(
              codec,
              chunks.map((chunk) => chunk.bytes),
            ),
          ).toEqual([expected]);
        }
        expect(codec.counters).toEqual({
          frames: texts.length,
          badChecksums: 0,
          bytesSkipped: 0,
          oversize: 0,
          resyncs: 0,
        });
      }
    }
  });

  it('sends the AIM prefix, the GBK bytes and the terminator a scanner would', () => {
    const chunks = createLineScannerSimulator({
      seed: 9,
      aim: ']Q1',
      encoding: 'gbk',
      terminator: 'CRLF',
    }).emit({
      kind: 'scan',
      text: '张伟',
    });
    expect(Buffer.concat(chunks.map((chunk) => chunk.bytes)).toString('hex')).toBe('5d5131d5c5ceb00d0a');
    expect(chunks.every((chunk) => chunk.delayMs >= 1 && chunk.delayMs <= 5)).toBe(true);
    const plain = createLineScannerSimulator({ seed: 9 }).emit({ kind: 'scan', text: 'A1' });
    expect(Buffer.concat(plain.map((chunk) => chunk.bytes)).toString('hex')).toBe('41310d');
  });

  it('ignores measurements', () => {
    expect(createLineScannerSimulator().emit({ kind: 'measure', bodyC: 36.5 })).toEqual([]);
  });
});
