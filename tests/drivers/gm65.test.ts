import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  crc16Xmodem,
  createGm65Codec,
  createGm65Simulator,
  GM65_READ_ENCODING,
  GM65_REPLY_OK,
  GM65_STALE_GAP_MS,
  GM65_TRIGGER,
  gm65Command,
  gm65Model,
  gm65Reply,
} from '../../drivers/scanner/gm65.ts';
import type { DeviceEvent } from '../../drivers/types.ts';
import { ascii, concat, hex, toHex } from '../helpers/codec-kit.ts';

// 7E 00 08 01 00 02 01 02 DA: write 01 to zone 0x0002 (scan once); CRC-16/XMODEM(08 01 00 02 01) = 02DA.
const TRIGGER = hex('7e 00 08 01 00 02 01 02 da');
// 02 00 00 01 00 33 31: the engine's reply; CRC(00 00 01 00) = 3331.
const REPLY = hex('02 00 00 01 00 33 31');
// The same reply with its CRC low byte hit by noise.
const REPLY_BAD_CRC = hex('02 00 00 01 00 33 30');
// A reply whose CRC field is AB CD (CRC not checked).
const REPLY_NO_CRC = hex('02 00 00 01 00 ab cd');
// "2024030117" CR: a scanned student id with the default CR terminator.
const ID_CR = hex('32 30 32 34 30 33 30 31 31 37 0d');
// "张伟" CR in UTF-8: 张 = e5 bc a0, 伟 = e4 bc 9f.
const NAME_CR = hex('e5 bc a0 e4 bc 9f 0d');

const ID_EVENT: DeviceEvent = { kind: 'identity', text: '2024030117', source: 'scan' };
const NAME_EVENT: DeviceEvent = { kind: 'identity', text: '张伟', source: 'scan' };

const _transcriptsDir = fileURLToPath(new URL('../../fixtures/transcripts/', import.meta.url));

describe('GM65 frames', () => {
  it('computes the documented CRCs and command bytes', () => {
    expect(crc16Xmodem(hex('08 01 00 02 01'))).toBe(0x02da);
    expect(crc16Xmodem(hex('00 00 01 00'))).toBe(0x3331);
    expect(crc16Xmodem(ascii('123456789'))).toBe(0x31c3);
    expect(gm65Command(0x08, 0x0002, [0x01])).toEqual(TRIGGER);
    expect(GM65_TRIGGER).toEqual(TRIGGER);
    expect(GM65_READ_ENCODING).toEqual(hex('7e 00 07 01 00 0d 01 77 1d'));
    expect(gm65Reply([0x00])).toEqual(REPLY);
    expect(GM65_REPLY_OK).toEqual(REPLY);
  });
});

describe('GM65 codec', () => {
  it('counts a reply as a frame and emits nothing for it', () => {
    const codec = createGm65Codec();
    expect(codec.decode(REPLY, 0)).toEqual([]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('decodes a scanned line', () => {
    const codec = createGm65Codec();
    expect(codec.decode(ID_CR, 0)).toEqual([ID_EVENT]);
    expect(codec.counters.frames).toBe(1);
  });

  it('separates a reply and lines in one chunk, in either order', () => {
    const codec = createGm65Codec();
    expect(codec.decode(concat(REPLY, ID_CR, NAME_CR, REPLY), 0)).toEqual([ID_EVENT, NAME_EVENT]);
    expect(codec.counters).toEqual({ frames: 4, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('splits a reply and a line at every byte boundary', () => {
    const stream = concat(REPLY, NAME_CR, REPLY, ID_CR);
    for (let cut = 1; cut < stream.length; cut++) {
      const codec = createGm65Codec();
      const first = codec.decode(stream.subarray(0, cut), 0);
      const second = codec.decode(stream.subarray(cut), 1);
      expect([...first, ...second]).toEqual([NAME_EVENT, ID_EVENT]);
      expect(codec.counters).toEqual({
        frames: 4,
        badChecksums: 0,
        bytesSkipped: 0,
        oversize: 0,
        resyncs: 0,
      });
    }
  });

  it('skips NUL noise before a reply and a line', () => {
    const codec = createGm65Codec();
    expect(codec.decode(concat(hex('00 00 00'), REPLY, hex('00'), ID_CR), 0)).toEqual([ID_EVENT]);
    expect(codec.counters).toEqual({ frames: 2, badChecksums: 0, bytesSkipped: 4, oversize: 0, resyncs: 0 });
  });

  it('drops a reply with a bad CRC whole and decodes the line after it', () => {
    const codec = createGm65Codec();
    expect(codec.decode(concat(REPLY_BAD_CRC, ID_CR), 0)).toEqual([ID_EVENT]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 1, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('accepts a reply with AB CD in place of its CRC', () => {
    const codec = createGm65Codec();
    expect(codec.decode(REPLY_NO_CRC, 0)).toEqual([]);
    expect(codec.counters.frames).toBe(1);
  });

  it('reads 02 not followed by 00 00 as text (an STX prefix)', () => {
    const codec = createGm65Codec();
    expect(codec.decode(concat(hex('02'), ID_CR), 0)).toEqual([ID_EVENT]);
    expect(codec.decode(hex('02 02 00 00 01 00 33 31'), 0)).toEqual([]);
    expect(codec.counters.frames).toBe(2);
    const split = createGm65Codec();
    expect(split.decode(hex('02'), 0)).toEqual([]);
    expect(split.decode(concat(ascii('A1'), hex('03 0d')), 1)).toEqual([
      { kind: 'identity', text: 'A1', source: 'scan' },
    ]);
  });

  it('keeps AIM identifiers as the line scanner does', () => {
    expect(createGm65Codec().decode(ascii(']Q1HC:0042\r'), 0)).toEqual([
      { kind: 'identity', text: 'HC:0042', source: 'scan', symbology: ']Q1' },
    ]);
  });

  it('drops a partial line left by a pause, so it does not run into the next code', () => {
    const codec = createGm65Codec();
    expect(codec.decode(ascii('20240301'), 0)).toEqual([]);
    expect(codec.decode(ID_CR, GM65_STALE_GAP_MS + 1)).toEqual([ID_EVENT]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 8, oversize: 0, resyncs: 1 });
  });

  it('keeps a partial line across chunks that arrive without a long pause', () => {
    const codec = createGm65Codec();
    expect(codec.decode(ID_CR.subarray(0, 4), 0)).toEqual([]);
    expect(codec.decode(ID_CR.subarray(4), GM65_STALE_GAP_MS)).toEqual([ID_EVENT]);
  });

  it('drops a partial reply left by a pause', () => {
    const codec = createGm65Codec();
    expect(codec.decode(hex('02 00 00 01'), 0)).toEqual([]);
    expect(codec.decode(ID_CR, 2000)).toEqual([ID_EVENT]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 4, oversize: 0, resyncs: 1 });
  });

  it('takes TAB as the terminator when the engine is set to TAB', () => {
    const codec = createGm65Codec({ terminator: 'TAB' });
    expect(codec.decode(ascii('2024030117\tT2019-0042\t'), 0)).toEqual([
      ID_EVENT,
      { kind: 'identity', text: 'T2019-0042', source: 'scan' },
    ]);
    expect(createGm65Codec().decode(ascii('A\tB\r'), 0)).toEqual([
      { kind: 'identity', text: 'A\tB', source: 'scan' },
    ]);
  });
});

describe('GM65 simulator', () => {
  it('round-trips scans with every terminator and encoding', () => {
    const texts = ['2024030117', '姓名:张伟;学号:2024030117', 'T2019-0042'];
    for (let seed = 1; seed <= 10; seed++) {
      for (const terminator of ['CR', 'LF', 'CRLF', 'TAB'] as const) {
        for (const encoding of ['utf-8', 'gbk'] as const) {
          const simulator = createGm65Simulator({ seed, terminator, encoding });
          const codec = createGm65Codec({ terminator });
          for (const text of texts) {
            const chunks = simulator.emit({ kind: 'scan', text });
            expect(chunks.length).toBeGreaterThanOrEqual(1);
            expect(chunks.length).toBeLessThanOrEqual(3);
            expect(chunks.flatMap((chunk) => codec.decode(chunk.bytes, 0))).toEqual([
              { kind: 'identity', text, source: 'scan' },
            ]);
          }
        }
      }
    }
    const bytes = createGm65Simulator().emit({ kind: 'scan', text: 'A1' });
    expect(toHex(concat(...bytes.map((chunk) => chunk.bytes)))).toBe('41310d');
  });

  it('answers each valid command with 02 00 00 01 00 33 31 and ignores damaged ones', () => {
    const simulator = createGm65Simulator({ seed: 2 });
    const answer = (written: Uint8Array): string =>
      toHex(concat(...(simulator.respond?.(written) ?? []).map((chunk) => chunk.bytes)));
    expect(answer(TRIGGER)).toBe(toHex(REPLY));
    expect(answer(concat(TRIGGER, GM65_READ_ENCODING))).toBe(toHex(concat(REPLY, REPLY)));
    expect(answer(hex('7e 00 08 01 00 02 01 ab cd'))).toBe(toHex(REPLY));
    expect(answer(hex('7e 00 08 01 00 02 01 02 db'))).toBe('');
    expect(answer(ascii('SCNTRG'))).toBe('');
  });
});

describe('GM65 model and fixtures', () => {
  it('declares the trigger and a zone-read self-test', () => {
    expect(gm65Model.role).toBe('scanner');
    expect(gm65Model.defaultBaudRate).toBe(9600);
    expect(gm65Model.commands?.trigger?.start).toEqual(TRIGGER);
    expect(gm65Model.commands?.selfTest?.request).toEqual(hex('7e 00 07 01 00 0d 01 77 1d'));
    expect(gm65Model.commands?.selfTest?.timeoutMs).toBe(500);
  });

  it('passes its self-test on the reply: counters.frames grows', () => {
    const simulator = gm65Model.createSimulator({ seed: 1 });
    const codec = gm65Model.createCodec();
    const request = gm65Model.commands?.selfTest?.request ?? new Uint8Array();
    for (const chunk of simulator.respond?.(request) ?? []) codec.decode(chunk.bytes, 0);
    expect(codec.counters.frames).toBe(1);
  });
});
