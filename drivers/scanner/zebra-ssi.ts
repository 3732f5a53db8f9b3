/**
 * Zebra (Symbol/Motorola) scanner in SSI mode: binary packets with ACK/NAK, 9600 8N1.
 * Source: docs/protocols.md §2 "Zebra SSI packet" [V S12: Zebra/Symbol SSI manual pages; clocklimited/
 * motorola-ssi-scanner scanner.js, lib/opcodes.js; checksums recomputed].
 *
 *   len op src status data… ckH ckL
 *   len      bytes before the checksum (4 + data), 4–FF
 *   op       E4/E5 start/stop session, D0/D1 ACK/NAK, F3 decode data, A3/A4 request/reply revision,
 *            E9/EA scan enable/disable, C6 parameter send
 *   src      04 host, 00 decoder
 *   status   bit0 retransmission, bit1 more packets follow (multi-packet decode data)
 *   ck       0x10000 − sum(len … last data byte), big-endian
 *   F3 data  barcode type (03 Code 128, 0B EAN-13, 1B Data Matrix, 1C QR, …), then the code's bytes; in a
 *            multi-packet decode each packet starts with the type again (as S12's host reads it) [I]
 *   e.g. ACK from host 04 D0 04 00 FF 28 (04+D0+04+00 = D8); start session 04 E4 04 00 FF 14
 *
 * The host ACKs every decoder packet but ACK/NAK and NAKs a packet with a bad checksum with cause 01
 * (resend), the cause open-source SSI hosts send for a checksum failure [I: not in docs/protocols.md]:
 * `takeReplies()` hands those bytes to the link. The decoder retries an unACKed packet twice with bit0 set,
 * so a retransmission equal to the last packet accepted is ACKed again and otherwise ignored; after a bad
 * frame or junk the previous packet may have been lost, so the next retransmission is taken as new.
 *
 * Resync: a packet starts at a byte 04–FF whose third byte after it is 00 (decoder) and whose checksum holds.
 * A bad checksum right after a good packet counts in `badChecksums` (and is NAKed); the decoder then drops
 * one byte and searches on, so every dropped byte counts in `bytesSkipped`. When the frame at the head is
 * incomplete but a whole valid packet already sits after it, the head is junk (a cut-off packet): skip to
 * the valid one rather than wait. A binary barcode could in theory hide a valid packet inside its data; text
 * cannot (it has no 00 byte). Input buffer ≤ 300 bytes (a packet is ≤ 257); a multi-packet decode ≤ 8 KiB.
 * Decode text is read whole (UTF-8, else GB18030) by text-decode.ts. A decode of "NR" is the no-read
 * message a decoder may be set to send at the end of a session and emits nothing [I].
 */

import type { DeviceModel, SimulatorOptions } from '../model.ts';
import { seededRandom, splitPoints } from '../sim-random.ts';
import { decodeScannedText, encodeGb18030 } from '../text-decode.ts';
import type {
  Codec,
  DeviceEvent,
  DeviceSimulator,
  IdentityEvent,
  SimulatedAction,
  WireChunk,
} from '../types.ts';
import { emptyCounters } from '../types.ts';

export const SSI_OPCODE = {
  startSession: 0xe4,
  stopSession: 0xe5,
  ack: 0xd0,
  nak: 0xd1,
  decodeData: 0xf3,
  scanEnable: 0xe9,
  scanDisable: 0xea,
  paramSend: 0xc6,
  requestRevision: 0xa3,
  replyRevision: 0xa4,
} as const;

export const SSI_SOURCE_HOST = 0x04;
export const SSI_SOURCE_DECODER = 0x00;
export const SSI_STATUS_RETRANSMIT = 0x01;
export const SSI_STATUS_CONTINUED = 0x02;
/** NAK cause: checksum failure, please resend. */
export const SSI_NAK_RESEND = 0x01;

/** SSI barcode types whose AIM identifier is certain, assuming no ECI and no GS1 FNC1 [I for modifiers]. */
const AIM_BY_SSI_TYPE: ReadonlyMap<number, string> = new Map([
  [0x03, ']C0'], // Code 128
  [0x0b, ']E0'], // EAN-13
  [0x1b, ']d1'], // Data Matrix (ECC 200)
  [0x1c, ']Q1'], // QR Code, model 2
]);

export const SSI_TYPE_QR = 0x1c;

const MIN_LENGTH = 4;
const BUFFER_BYTES = 300;
const MAX_DECODE_BYTES = 8192;
/** Most code bytes one F3 packet carries: len ≤ FF = 4 header bytes + type + 250. */
export const SSI_MAX_TEXT_PER_PACKET = 0xff - 5;
const NO_READ = 'NR';

/** 0x10000 − sum(bytes), as the two bytes that end a packet. */
export function ssiChecksum(bytes: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < bytes.length; index++) sum += bytes[index] ?? 0;
  return (0x10000 - (sum & 0xffff)) & 0xffff;
}

export interface SsiPacketOptions {
  /** Default: the host (04). */
  source?: number;
  status?: number;
}

/** `len op src status data… ckH ckL`. Throws when the data does not fit one packet. */
export function encodeSsiPacket(
  opcode: number,
  data: ArrayLike<number> = [],
  options: SsiPacketOptions = {},
): Uint8Array {
  const length = MIN_LENGTH + data.length;
  if (length > 0xff) throw new RangeError(`encodeSsiPacket: ${data.length} data bytes do not fit one packet`);
  const packet = new Uint8Array(length + 2);
  packet[0] = length;
  packet[1] = opcode;
  packet[2] = options.source ?? SSI_SOURCE_HOST;
  packet[3] = options.status ?? 0;
  packet.set(Array.from(data), MIN_LENGTH);
  const check = ssiChecksum(packet.subarray(0, length));
  packet[length] = check >> 8;
  packet[length + 1] = check & 0xff;
  return packet;
}

/** 04 D0 04 00 FF 28 */
export const SSI_HOST_ACK = encodeSsiPacket(SSI_OPCODE.ack);
/** 05 D1 04 00 01 FF 25 */
export const SSI_HOST_NAK_RESEND = encodeSsiPacket(SSI_OPCODE.nak, [SSI_NAK_RESEND]);
/** 04 E4 04 00 FF 14 */
export const SSI_START_SESSION = encodeSsiPacket(SSI_OPCODE.startSession);
/** 04 E5 04 00 FF 13 */
export const SSI_STOP_SESSION = encodeSsiPacket(SSI_OPCODE.stopSession);
/** 04 A3 04 00 FF 55 */
export const SSI_REQUEST_REVISION = encodeSsiPacket(SSI_OPCODE.requestRevision);

function symbologyOf(type: number): string {
  return AIM_BY_SSI_TYPE.get(type) ?? `ssi:0x${type.toString(16).padStart(2, '0')}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

export function createZebraSsiCodec(): Codec {
  const counters = emptyCounters();
  const buffer = new Uint8Array(BUFFER_BYTES);
  let length = 0;
  let synced = true;
  let replies: Uint8Array[] = [];
  /** The last packet accepted, status bit0 cleared: what a retransmission would repeat. */
  let lastPacket: Uint8Array | undefined;
  let decodeType = 0;
  let decodeParts: Uint8Array[] = [];
  let decodeBytes = 0;
  let decodeOverflow = false;
  /** A multi-packet decode is under way: the next F3 packet continues it. */
  let assembling = false;

  const plausibleStart = (at: number): boolean =>
    (buffer[at] ?? 0) >= MIN_LENGTH && (at + 2 >= length || buffer[at + 2] === SSI_SOURCE_DECODER);

  function completeAndValid(at: number): boolean {
    if (!plausibleStart(at)) return false;
    const packetLength = (buffer[at] ?? 0) + 2;
    if (at + packetLength > length) return false;
    const end = at + packetLength - 2;
    return ssiChecksum(buffer.subarray(at, end)) === (((buffer[end] ?? 0) << 8) | (buffer[end + 1] ?? 0));
  }

  function consume(count: number): void {
    buffer.copyWithin(0, count, length);
    length -= count;
  }

  function skip(count: number): void {
    counters.bytesSkipped += count;
    if (synced) counters.resyncs++;
    synced = false;
    lastPacket = undefined;
    consume(count);
  }

  function handleDecode(status: number, data: Uint8Array, events: DeviceEvent[]): void {
    if (data.length === 0 && !assembling) return;
    let code: Uint8Array;
    if (!assembling) {
      decodeType = data[0] ?? 0;
      code = data.subarray(1);
    } else {
      // Continuation packets repeat the type byte in S12's host; one that does not is read whole [I].
      code = data[0] === decodeType ? data.subarray(1) : data;
    }
    assembling = (status & SSI_STATUS_CONTINUED) !== 0;
    if (decodeBytes + code.length > MAX_DECODE_BYTES) {
      if (!decodeOverflow) counters.oversize++;
      decodeOverflow = true;
      decodeParts = [];
      decodeBytes = 0;
    } else if (!decodeOverflow) {
      decodeParts.push(code.slice());
      decodeBytes += code.length;
    }
    if (assembling) return;
    const whole = Uint8Array.from(Buffer.concat(decodeParts));
    const overflow = decodeOverflow;
    decodeParts = [];
    decodeBytes = 0;
    decodeOverflow = false;
    if (overflow || whole.length === 0) return;
    const { text } = decodeScannedText(whole);
    if (text === NO_READ) return;
    const event: IdentityEvent = {
      kind: 'identity',
      text,
      source: 'scan',
      symbology: symbologyOf(decodeType),
    };
    events.push(event);
  }

  function handlePacket(packet: Uint8Array, events: DeviceEvent[]): void {
    counters.frames++;
    synced = true;
    const opcode = packet[1] ?? 0;
    const status = packet[3] ?? 0;
    if (opcode !== SSI_OPCODE.ack && opcode !== SSI_OPCODE.nak) replies.push(SSI_HOST_ACK.slice());
    const key = packet.slice(0, -2);
    key[3] = status & ~SSI_STATUS_RETRANSMIT;
    if (status & SSI_STATUS_RETRANSMIT && lastPacket && sameBytes(key, lastPacket)) return;
    lastPacket = key;
    if (opcode === SSI_OPCODE.decodeData) handleDecode(status, packet.subarray(4, -2), events);
  }

  function process(events: DeviceEvent[]): void {
    while (length > 0) {
      if (!plausibleStart(0)) {
        skip(1);
        continue;
      }
      const packetLength = (buffer[0] ?? 0) + 2;
      if (packetLength > length) {
        let next = 1;
        while (next < length && !completeAndValid(next)) next++;
        if (next === length) return;
        skip(next);
        continue;
      }
      if (completeAndValid(0)) {
        handlePacket(buffer.slice(0, packetLength), events);
        consume(packetLength);
        continue;
      }
      if (synced) {
        counters.badChecksums++;
        replies.push(SSI_HOST_NAK_RESEND.slice());
      }
      skip(1);
    }
  }

  return {
    counters,
    decode(chunk: Uint8Array): DeviceEvent[] {
      const events: DeviceEvent[] = [];
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(BUFFER_BYTES - length, chunk.length - offset);
        buffer.set(chunk.subarray(offset, offset + take), length);
        length += take;
        offset += take;
        process(events);
      }
      return events;
    },
    takeReplies(): Uint8Array[] {
      const taken = replies;
      replies = [];
      return taken;
    },
  };
}

export interface ZebraSsiSimulatorOptions extends SimulatorOptions {
  /** SSI barcode type in each F3 packet; QR (1C) by default. */
  barcodeType?: number;
  /** How the code's non-ASCII text is encoded; `gbk` is written as GB18030, its superset. */
  encoding?: 'utf-8' | 'gbk';
  /** The text of the A4 revision reply. */
  revision?: string;
}

/** Decoder → host packet. */
const fromDecoder = (opcode: number, data: ArrayLike<number> = [], status = 0): Uint8Array =>
  encodeSsiPacket(opcode, data, { source: SSI_SOURCE_DECODER, status });

/** 04 D0 00 00 FF 2C: the decoder's ACK of a host command. */
export const SSI_DECODER_ACK = fromDecoder(SSI_OPCODE.ack);

/** The F3 packets a decoder sends for one code: 250 code bytes a packet, bit1 set on all but the last. */
export function ssiDecodePackets(code: Uint8Array, barcodeType: number): Uint8Array[] {
  const packets: Uint8Array[] = [];
  for (let start = 0; start === 0 || start < code.length; start += SSI_MAX_TEXT_PER_PACKET) {
    const part = code.subarray(start, start + SSI_MAX_TEXT_PER_PACKET);
    const more = start + SSI_MAX_TEXT_PER_PACKET < code.length;
    packets.push(fromDecoder(SSI_OPCODE.decodeData, [barcodeType, ...part], more ? SSI_STATUS_CONTINUED : 0));
  }
  return packets;
}

/** Host packets with a valid checksum found in `written`, and whether any bytes did not form one. */
function hostPackets(written: Uint8Array): { packets: Uint8Array[]; damaged: boolean } {
  const packets: Uint8Array[] = [];
  let damaged = false;
  let at = 0;
  while (at < written.length) {
    const packetLength = (written[at] ?? 0) + 2;
    const end = at + packetLength;
    const valid =
      packetLength >= MIN_LENGTH + 2 &&
      end <= written.length &&
      written[at + 2] === SSI_SOURCE_HOST &&
      ssiChecksum(written.subarray(at, end - 2)) ===
        (((written[end - 2] ?? 0) << 8) | (written[end - 1] ?? 0));
    if (!valid) {
      damaged = true;
      at++;
      continue;
    }
    packets.push(written.slice(at, end));
    at = end;
  }
  return { packets, damaged };
}

export function createZebraSsiSimulator(options: ZebraSsiSimulatorOptions = {}): DeviceSimulator {
  const random = seededRandom(options.seed ?? 0x551);
  const encoder = new TextEncoder();
  const barcodeType = options.barcodeType ?? SSI_TYPE_QR;
  const revision = encoder.encode(options.revision ?? 'PAABLS00-005-R04');

  function chunked(packet: Uint8Array, firstDelayMs: number): WireChunk[] {
    const cuts = splitPoints(packet.length, 1 + Math.floor(random() * 2), random);
    const chunks: WireChunk[] = [];
    let start = 0;
    for (const end of [...cuts, packet.length]) {
      const delayMs = start === 0 ? firstDelayMs : 1 + Math.floor(random() * 4);
      chunks.push({ delayMs, bytes: packet.slice(start, end) });
      start = end;
    }
    return chunks;
  }

  return {
    emit(action: SimulatedAction): WireChunk[] {
      if (action.kind !== 'scan') return [];
      const code = options.encoding === 'gbk' ? encodeGb18030(action.text) : encoder.encode(action.text);
      return ssiDecodePackets(code, barcodeType).flatMap((packet, index) =>
        chunked(packet, index === 0 ? 1 + Math.floor(random() * 5) : 5 + Math.floor(random() * 10)),
      );
    },
    respond(written: Uint8Array): WireChunk[] {
      const { packets, damaged } = hostPackets(written);
      const answers: Uint8Array[] = [];
      for (const packet of packets) {
        const opcode = packet[1];
        if (opcode === SSI_OPCODE.ack || opcode === SSI_OPCODE.nak) continue;
        answers.push(
          opcode === SSI_OPCODE.requestRevision
            ? fromDecoder(SSI_OPCODE.replyRevision, revision)
            : SSI_DECODER_ACK,
        );
      }
      if (damaged) answers.push(fromDecoder(SSI_OPCODE.nak, [SSI_NAK_RESEND]));
      return answers.flatMap((packet) => chunked(packet, 2 + Math.floor(random() * 8)));
    },
  };
}

export const zebraSsiModel: DeviceModel = {
  role: 'scanner',
  label: 'Zebra/Symbol scanner in SSI mode (binary packets, host ACK/NAK)',
  defaultBaudRate: 9600,
  createCodec: () => createZebraSsiCodec(),
  createSimulator: (options) => createZebraSsiSimulator(options),
  commands: {
    trigger: { start: SSI_START_SESSION, stop: SSI_STOP_SESSION },
    selfTest: {
      request: SSI_REQUEST_REVISION,
      timeoutMs: 1000,
      description: {
        zh: '查询解码器版本（04 A3 04 00 FF 55），等待回复包',
        en: 'Asks the decoder for its revision (04 A3 04 00 FF 55) and waits for its reply packet',
      },
    },
  },
};
