import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from '../../drivers/replay.ts';
import {
  createZebraSsiCodec,
  createZebraSsiSimulator,
  encodeSsiPacket,
  SSI_DECODER_ACK,
  SSI_HOST_ACK,
  SSI_HOST_NAK_RESEND,
  SSI_OPCODE,
  SSI_REQUEST_REVISION,
  SSI_START_SESSION,
  SSI_STOP_SESSION,
  ssiChecksum,
  ssiDecodePackets,
  zebraSsiModel,
} from '../../drivers/scanner/zebra-ssi.ts';
import { encodeGb18030 } from '../../drivers/text-decode.ts';
import type { Codec, DeviceEvent } from '../../drivers/types.ts';
import { ascii, concat, hex, toHex } from '../helpers/codec-kit.ts';

// 04 D0 04 00 FF 28: host ACK, docs/protocols.md §2 (04+D0+04+00 = D8, 0x10000 − D8 = FF28).
const HOST_ACK = hex('04 d0 04 00 ff 28');
// 05 D1 04 00 01 FF 25: host NAK, cause 01 resend (05+D1+04+00+01 = DB).
const HOST_NAK = hex('05 d1 04 00 01 ff 25');
// 04 D0 00 00 FF 2C: the decoder's ACK of a host command.
const DECODER_ACK = hex('04 d0 00 00 ff 2c');
// len 0F, F3 decode data from the decoder, status 00, type 03 (Code 128), "2024030117", ck FD07.
const ID_117 = hex('0f f3 00 00 03 32 30 32 34 30 33 30 31 31 37 fd 07');
// The same packet retransmitted: status bit0 set, ck FD06.
const ID_117_RETRY = hex('0f f3 00 01 03 32 30 32 34 30 33 30 31 31 37 fd 06');
// "2024030118", Code 128, ck FD06.
const ID_118 = hex('0f f3 00 00 03 32 30 32 34 30 33 30 31 31 38 fd 06');
// ID_118 with its last digit hit by noise ('8' → '9'): checksum FD06 no longer holds.
const ID_118_CORRUPT = hex('0f f3 00 00 03 32 30 32 34 30 33 30 31 31 39 fd 06');

const EVENT_117: DeviceEvent = { kind: 'identity', text: '2024030117', source: 'scan', symbology: ']C0' };
const EVENT_118: DeviceEvent = { kind: 'identity', text: '2024030118', source: 'scan', symbology: ']C0' };

const transcriptsDir = fileURLToPath(new URL('../../fixtures/transcripts/', import.meta.url));

const replyHex = (codec: Codec): string[] => (codec.takeReplies?.() ?? []).map(toHex);

describe('SSI packets', () => {
  it('computes the documented checksums and command bytes', () => {
    expect(ssiChecksum(hex('04 d0 04 00'))).toBe(0xff28);
    expect(SSI_HOST_ACK).toEqual(HOST_ACK);
    expect(SSI_HOST_NAK_RESEND).toEqual(HOST_NAK);
    expect(SSI_START_SESSION).toEqual(hex('04 e4 04 00 ff 14'));
    expect(SSI_STOP_SESSION).toEqual(hex('04 e5 04 00 ff 13'));
    expect(SSI_REQUEST_REVISION).toEqual(hex('04 a3 04 00 ff 55'));
    expect(SSI_DECODER_ACK).toEqual(DECODER_ACK);
    expect(ssiDecodePackets(ascii('2024030117'), 0x03)).toEqual([ID_117]);
    expect(
      encodeSsiPacket(SSI_OPCODE.decodeData, [0x03, ...ascii('2024030117')], { source: 0, status: 1 }),
    ).toEqual(ID_117_RETRY);
  });

  it('splits a long code into packets of 250 code bytes, bit1 set on all but the last', () => {
    const packets = ssiDecodePackets(new Uint8Array(600).fill(0x41), 0x1c);
    expect(packets.map((packet) => packet.length)).toEqual([257, 257, 107]);
    expect(packets.map((packet) => toHex(packet.subarray(0, 5)))).toEqual([
      'fff300021c',
      'fff300021c',
      '69f300001c',
    ]);
    expect(() => encodeSsiPacket(0xf3, new Uint8Array(252))).toThrow(RangeError);
  });
});

describe('Zebra SSI codec', () => {
  it('decodes a Code 128 packet and queues the host ACK', () => {
    const codec = createZebraSsiCodec();
    expect(codec.decode(ID_117)).toEqual([EVENT_117]);
    expect(replyHex(codec)).toEqual([toHex(HOST_ACK)]);
    expect(replyHex(codec)).toEqual([]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it("counts the decoder's ACK as a frame and does not ACK an ACK", () => {
    const codec = createZebraSsiCodec();
    expect(codec.decode(DECODER_ACK)).toEqual([]);
    expect(replyHex(codec)).toEqual([]);
    expect(codec.counters.frames).toBe(1);
  });

  it('ACKs a revision reply without an event', () => {
    const codec = createZebraSsiCodec();
    const revision = encodeSsiPacket(SSI_OPCODE.replyRevision, ascii('PAABLS00-005-R04'), { source: 0 });
    expect(codec.decode(revision)).toEqual([]);
    expect(replyHex(codec)).toEqual([toHex(HOST_ACK)]);
    expect(codec.counters.frames).toBe(1);
  });

  it('decodes two packets in one chunk', () => {
    const codec = createZebraSsiCodec();
    expect(codec.decode(concat(DECODER_ACK, ID_117, ID_118))).toEqual([EVENT_117, EVENT_118]);
    expect(replyHex(codec)).toEqual([toHex(HOST_ACK), toHex(HOST_ACK)]);
  });

  it('decodes two packets split at every byte boundary, each as soon as it is complete', () => {
    const stream = concat(ID_117, ID_118);
    for (let cut = 1; cut < stream.length; cut++) {
      const codec = createZebraSsiCodec();
      const first = codec.decode(stream.subarray(0, cut));
      const second = codec.decode(stream.subarray(cut));
      expect(first).toEqual(cut >= ID_117.length ? [EVENT_117] : []);
      expect([...first, ...second]).toEqual([EVENT_117, EVENT_118]);
      expect(codec.counters).toEqual({
        frames: 2,
        badChecksums: 0,
        bytesSkipped: 0,
        oversize: 0,
        resyncs: 0,
      });
    }
  });

  it('skips junk before a packet, without NAKing it', () => {
    const codec = createZebraSsiCodec();
    expect(codec.decode(concat(hex('00 00 80 00 00 7f 00'), ID_117))).toEqual([EVENT_117]);
    expect(replyHex(codec)).toEqual([toHex(HOST_ACK)]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 7, oversize: 0, resyncs: 1 });
  });

  it('NAKs a packet with a bad checksum, drops it and decodes the next', () => {
    const codec = createZebraSsiCodec();
    expect(codec.decode(concat(ID_118_CORRUPT, ID_117))).toEqual([EVENT_117]);
    expect(replyHex(codec)).toEqual([toHex(HOST_NAK), toHex(HOST_ACK)]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 1, bytesSkipped: 17, oversize: 0, resyncs: 1 });
  });

  it('takes the resent packet after a NAK as new, even when it repeats the last scan', () => {
    const codec = createZebraSsiCodec();
    expect(codec.decode(ID_118)).toEqual([EVENT_118]);
    expect(codec.decode(ID_118_CORRUPT)).toEqual([]);
    const resent = encodeSsiPacket(SSI_OPCODE.decodeData, [0x03, ...ascii('2024030118')], {
      source: 0,
      status: 1,
    });
    expect(codec.decode(resent)).toEqual([EVENT_118]);
    expect(replyHex(codec)).toEqual([toHex(HOST_ACK), toHex(HOST_NAK), toHex(HOST_ACK)]);
  });

  it('ACKs a retransmission of the last decode again but emits it once', () => {
    const codec = createZebraSsiCodec();
    expect(codec.decode(ID_117)).toEqual([EVENT_117]);
    expect(codec.decode(ID_117_RETRY)).toEqual([]);
    expect(codec.decode(ID_117_RETRY)).toEqual([]);
    expect(replyHex(codec)).toEqual([toHex(HOST_ACK), toHex(HOST_ACK), toHex(HOST_ACK)]);
    expect(codec.counters.frames).toBe(3);
    // The same code scanned again is a new first transmission (bit0 clear): a second event.
    expect(codec.decode(ID_117)).toEqual([EVENT_117]);
  });

  it('emits a retransmission when the original never arrived', () => {
    const codec = createZebraSsiCodec();
    expect(codec.decode(ID_118)).toEqual([EVENT_118]);
    expect(codec.decode(ID_117_RETRY)).toEqual([EVENT_117]);
  });

  it('joins a multi-packet decode, ACKing each packet and ignoring a retransmitted middle one', () => {
    const text = `${'0123456789'.repeat(30)}张伟`;
    const [first, last] = ssiDecodePackets(ascii(text), 0x1c);
    if (!first || !last) throw new Error('expected two packets');
    const firstAgain = encodeSsiPacket(SSI_OPCODE.decodeData, first.subarray(4, -2), {
      source: 0,
      status: 0x03,
    });
    const codec = createZebraSsiCodec();
    expect(codec.decode(first)).toEqual([]);
    expect(codec.decode(firstAgain)).toEqual([]);
    expect(codec.decode(last)).toEqual([{ kind: 'identity', text, source: 'scan', symbology: ']Q1' }]);
    expect(replyHex(codec)).toEqual([toHex(HOST_ACK), toHex(HOST_ACK), toHex(HOST_ACK)]);
  });

  it('reads a continuation packet that does not repeat the type byte whole', () => {
    const first = encodeSsiPacket(SSI_OPCODE.decodeData, [0x1c, ...new Uint8Array(250).fill(0x41)], {
      source: 0,
      status: 0x02,
    });
    const rest = encodeSsiPacket(SSI_OPCODE.decodeData, ascii('BC'), { source: 0 });
    const codec = createZebraSsiCodec();
    expect(codec.decode(concat(first, rest))).toEqual([
      { kind: 'identity', text: `${'A'.repeat(250)}BC`, source: 'scan', symbology: ']Q1' },
    ]);
  });

  it('names known barcode types by AIM id and others by SSI type, and reads GBK text', () => {
    const codec = createZebraSsiCodec();
    const packet = (type: number, code: Uint8Array) =>
      encodeSsiPacket(SSI_OPCODE.decodeData, [type, ...code], { source: 0 });
    expect(
      codec.decode(
        concat(
          packet(0x0b, ascii('6901234567892')),
          packet(0x1b, ascii('ABC')),
          packet(0x01, ascii('T2019-0042')),
          packet(0x1c, encodeGb18030('李娜 2024030118')),
        ),
      ),
    ).toEqual([
      { kind: 'identity', text: '6901234567892', source: 'scan', symbology: ']E0' },
      { kind: 'identity', text: 'ABC', source: 'scan', symbology: ']d1' },
      { kind: 'identity', text: 'T2019-0042', source: 'scan', symbology: 'ssi:0x01' },
      { kind: 'identity', text: '李娜 2024030118', source: 'scan', symbology: ']Q1' },
    ]);
  });

  it('emits nothing for a no-read "NR" decode or an empty one', () => {
    const codec = createZebraSsiCodec();
    const nr = encodeSsiPacket(SSI_OPCODE.decodeData, [0x00, ...ascii('NR')], { source: 0 });
    const empty = encodeSsiPacket(SSI_OPCODE.decodeData, [0x03], { source: 0 });
    expect(codec.decode(concat(nr, empty))).toEqual([]);
    expect(codec.counters.frames).toBe(2);
  });

  it('drops a cut-off packet whose length the next packet completes, NAKs it, then decodes that packet', () => {
    const codec = createZebraSsiCodec();
    expect(codec.decode(ID_117.subarray(0, 9))).toEqual([]);
    expect(codec.decode(ID_118)).toEqual([EVENT_118]);
    expect(replyHex(codec)).toEqual([toHex(HOST_NAK), toHex(HOST_ACK)]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 1, bytesSkipped: 9, oversize: 0, resyncs: 1 });
    // The decoder answers the NAK by resending with bit0 set: ACKed, not emitted twice.
    const resent = encodeSsiPacket(SSI_OPCODE.decodeData, [0x03, ...ascii('2024030118')], {
      source: 0,
      status: 1,
    });
    expect(codec.decode(resent)).toEqual([]);
    expect(replyHex(codec)).toEqual([toHex(HOST_ACK)]);
  });

  it('skips a long cut-off packet at once when a whole packet already follows it', () => {
    const [long] = ssiDecodePackets(new Uint8Array(300).fill(0x41), 0x1c);
    const codec = createZebraSsiCodec();
    expect(codec.decode(long?.subarray(0, 40) ?? new Uint8Array())).toEqual([]);
    expect(codec.decode(ID_118)).toEqual([EVENT_118]);
    expect(replyHex(codec)).toEqual([toHex(HOST_ACK)]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 40, oversize: 0, resyncs: 1 });
  });

  it('ignores packets from the host (src 04) echoed back', () => {
    const codec = createZebraSsiCodec();
    expect(codec.decode(concat(HOST_ACK, ID_117))).toEqual([EVENT_117]);
    expect(codec.counters.bytesSkipped).toBe(6);
  });

  it('drops a multi-packet decode over 8 KiB and decodes the next scan', () => {
    const codec = createZebraSsiCodec();
    for (const packet of ssiDecodePackets(new Uint8Array(9000).fill(0x41), 0x1c)) {
      expect(codec.decode(packet)).toEqual([]);
    }
    expect(codec.counters.oversize).toBe(1);
    expect(codec.decode(ID_117)).toEqual([EVENT_117]);
  });
});

describe('Zebra SSI simulator', () => {
  it('round-trips scans, short and multi-packet, through the codec', () => {
    const texts = ['2024030117', '姓名:张伟;学号:2024030117', 'x'.repeat(600)];
    for (let seed = 1; seed <= 20; seed++) {
      for (const encoding of ['utf-8', 'gbk'] as const) {
        const simulator = createZebraSsiSimulator({ seed, encoding, barcodeType: 0x03 });
        const codec = createZebraSsiCodec();
        for (const text of texts) {
          const chunks = simulator.emit({ kind: 'scan', text });
          const packets = Math.ceil(ascii(text).length / 250);
          expect(chunks.length).toBeGreaterThanOrEqual(packets);
          expect(chunks.length).toBeLessThanOrEqual(2 * packets);
          expect(chunks.flatMap((chunk) => codec.decode(chunk.bytes))).toEqual([
            { kind: 'identity', text, source: 'scan', symbology: ']C0' },
          ]);
          expect(codec.takeReplies?.().length).toBe(packets);
        }
        expect(codec.counters.badChecksums + codec.counters.bytesSkipped).toBe(0);
      }
    }
  });

  it('answers host commands as a decoder does', () => {
    const simulator = createZebraSsiSimulator({ seed: 5 });
    const answer = (written: Uint8Array): string =>
      toHex(concat(...(simulator.respond?.(written) ?? []).map((chunk) => chunk.bytes)));
    expect(answer(HOST_ACK)).toBe('');
    expect(answer(SSI_START_SESSION)).toBe(toHex(DECODER_ACK));
    expect(answer(SSI_STOP_SESSION)).toBe(toHex(DECODER_ACK));
    expect(answer(hex('04 e4 04 00 ff 15'))).toBe('05d1000001ff29');
    const revision = hex(answer(SSI_REQUEST_REVISION));
    expect(toHex(revision.subarray(0, 4))).toBe('14a40000');
    const codec = createZebraSsiCodec();
    expect(codec.decode(revision)).toEqual([]);
    expect(codec.counters.frames).toBe(1);
    expect(simulator.emit({ kind: 'measure', bodyC: 36.5 })).toEqual([]);
  });
});

describe('Zebra SSI model and fixtures', () => {
  it('declares the trigger and a revision self-test', () => {
    expect(zebraSsiModel.role).toBe('scanner');
    expect(zebraSsiModel.defaultBaudRate).toBe(9600);
    expect(zebraSsiModel.commands?.trigger?.start).toEqual(hex('04 e4 04 00 ff 14'));
    expect(zebraSsiModel.commands?.trigger?.stop).toEqual(hex('04 e5 04 00 ff 13'));
    expect(zebraSsiModel.commands?.selfTest?.request).toEqual(hex('04 a3 04 00 ff 55'));
    expect(zebraSsiModel.commands?.selfTest?.timeoutMs).toBe(1000);
  });

  it('queues exactly the host ACKs and NAKs the fixtures record as tx', () => {
    for (const name of ['zebra-ssi-normal.jsonl', 'zebra-ssi-faults.jsonl']) {
      const transcript = parseTranscript(readFileSync(`${transcriptsDir}${name}`, 'utf8'));
      const codec = createZebraSsiCodec();
      const queued: string[] = [];
      const recorded: string[] = [];
      for (const entry of transcript.entries) {
        if (entry.type !== 'chunk') continue;
        if (entry.dir === 'rx') {
          codec.decode(entry.bytes, entry.tMs);
          queued.push(...replyHex(codec));
        } else if (entry.bytes[1] === 0xd0 || entry.bytes[1] === 0xd1) {
          recorded.push(toHex(entry.bytes));
        }
      }
      expect(queued).toEqual(recorded);
    }
  });
});
