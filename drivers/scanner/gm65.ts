/**
 * Grow GM65 / GM812 OEM scan engine, 9600 8N1: codes as text lines, setup by binary zone commands.
 * Source: docs/protocols.md §2 "Grow GM65 frames" [V S15: the engine's serial notes in
 * saadimalik211/cv-scanner, ESP32-S3-ETH/ScanOnly; CRCs recomputed].
 *
 * Host → engine:  7E 00 type len addrH addrL data… crcH crcL
 *   type 07 read zone, 08 write zone, 09 save to flash; len = data bytes; addr = zone (e.g. 0x000D encoding,
 *   0x000E terminator); CRC-16/XMODEM over type … data; AB CD in place of the CRC tells the engine to skip it
 *   e.g. 7E 00 08 01 00 02 01 02 DA  write 01 to zone 0x0002: scan once (CRC(08 01 00 02 01) = 02DA)
 * Engine → host, reply:  02 00 00 len data… crcH crcL, CRC over 00 00 len data
 *   e.g. 02 00 00 01 00 33 31  (CRC(00 00 01 00) = 3331)
 * Engine → host, a scan: the code's bytes + the terminator of zone 0x000E (CR, LF, CR LF, TAB or none;
 *   CR taken as the default [I]).
 *
 * Reply frames are told from text by their 02 00 00 start (a code never holds NUL bytes); they count in
 * `frames` and emit nothing. A reply with a bad CRC counts in `badChecksums` and is dropped whole, since its
 * binary bytes would otherwise end up in the next scan. Text goes through the line scanner's codec (AIM ids,
 * STX/ETX, UTF-8/GBK, oversize), with TAB taken as a terminator when the engine is set to TAB. With the
 * terminator set to none there is nothing to end a line: set the engine to CR. A partial line or reply older
 * than STALE_GAP_MS when the next byte arrives (a cable pulled mid-code) is dropped into `bytesSkipped`, so it
 * does not run into the next code.
 */

import type { DeviceModel, SimulatorOptions } from '../model.ts';
import { seededRandom, splitPoints } from '../sim-random.ts';
import { encodeGb18030 } from '../text-decode.ts';
import type {
  Codec,
  CodecCounters,
  CodecOptions,
  DeviceEvent,
  DeviceSimulator,
  SimulatedAction,
  WireChunk,
} from '../types.ts';
import { emptyCounters } from '../types.ts';
import { createLineScannerCodec } from './line-scanner.ts';

export const GM65_READ = 0x07;
export const GM65_WRITE = 0x08;
export const GM65_ZONE_TRIGGER = 0x0002;
export const GM65_ZONE_ENCODING = 0x000d;

const COMMAND_HEAD = [0x7e, 0x00] as const;
const REPLY_START = 0x02;
const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const NUL = 0x00;
const MAX_REPLY_BYTES = 4 + 0xff + 2;
export const GM65_STALE_GAP_MS = 500;

/** CRC-16/XMODEM: polynomial 1021, initial 0, no reflection, no final XOR. */
export function crc16Xmodem(bytes: ArrayLike<number>): number {
  let crc = 0;
  for (let index = 0; index < bytes.length; index++) {
    crc ^= (bytes[index] ?? 0) << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** `7E 00 type len addrH addrL data… crcH crcL`, e.g. (0x08, 0x0002, [0x01]) → 7E 00 08 01 00 02 01 02 DA. */
export function gm65Command(type: number, addr: number, data: ArrayLike<number>): Uint8Array {
  if (data.length > 0xff) throw new RangeError(`gm65Command: ${data.length} data bytes, at most 255`);
  const body = Uint8Array.of(type, data.length, (addr >> 8) & 0xff, addr & 0xff, ...Array.from(data));
  const crc = crc16Xmodem(body);
  return Uint8Array.of(...COMMAND_HEAD, ...body, crc >> 8, crc & 0xff);
}

/** `02 00 00 len data… crcH crcL`: the engine's answer to a command. */
export function gm65Reply(data: ArrayLike<number>): Uint8Array {
  const body = Uint8Array.of(0x00, 0x00, data.length & 0xff, ...Array.from(data));
  const crc = crc16Xmodem(body);
  return Uint8Array.of(REPLY_START, ...body, crc >> 8, crc & 0xff);
}

/** 7E 00 08 01 00 02 01 02 DA: scan once. */
export const GM65_TRIGGER = gm65Command(GM65_WRITE, GM65_ZONE_TRIGGER, [0x01]);
/** 7E 00 07 01 00 0D 01 77 1D: read one byte of zone 0x000D (encoding). */
export const GM65_READ_ENCODING = gm65Command(GM65_READ, GM65_ZONE_ENCODING, [0x01]);
/** 02 00 00 01 00 33 31 */
export const GM65_REPLY_OK = gm65Reply([0x00]);

export type Gm65Terminator = 'CR' | 'LF' | 'CRLF' | 'TAB';

export interface Gm65CodecOptions extends CodecOptions {
  /** Zone 0x000E as set on the engine; only TAB changes decoding (CR and LF always end a line). */
  terminator?: Gm65Terminator;
}

const COUNTER_KEYS = ['frames', 'badChecksums', 'bytesSkipped', 'oversize', 'resyncs'] as const;

function addCounters(into: CodecCounters, from: CodecCounters): void {
  for (const key of COUNTER_KEYS) into[key] += from[key];
}

export function createGm65Codec(options: Gm65CodecOptions = {}): Codec {
  const counters = emptyCounters();
  const own = emptyCounters();
  /** Counters of line codecs replaced after a stale partial line. */
  const retired = emptyCounters();
  let lines = createLineScannerCodec();
  /** Text bytes (not CR, LF or NUL) the line codec holds since its last terminator. */
  let lineBytes = 0;
  const reply = new Uint8Array(MAX_REPLY_BYTES);
  let replyLength = 0;
  let lastByteMs: number | undefined;
  const tabEndsLine = options.terminator === 'TAB';

  function dropStale(): void {
    if (replyLength > 0) {
      own.bytesSkipped += replyLength;
      own.resyncs++;
      replyLength = 0;
    }
    if (lineBytes > 0) {
      addCounters(retired, lines.counters);
      lines = createLineScannerCodec();
      own.bytesSkipped += lineBytes;
      own.resyncs++;
      lineBytes = 0;
    }
  }

  function finishReply(): void {
    const end = replyLength - 2;
    const crcHigh = reply[end] ?? 0;
    const crcLow = reply[end + 1] ?? 0;
    const skipped = crcHigh === 0xab && crcLow === 0xcd;
    if (skipped || crc16Xmodem(reply.subarray(1, end)) === ((crcHigh << 8) | crcLow)) own.frames++;
    else own.badChecksums++;
    replyLength = 0;
  }

  return {
    counters,
    decode(chunk: Uint8Array, nowMs: number = Date.now()): DeviceEvent[] {
      if (chunk.length === 0) return [];
      if (lastByteMs !== undefined && nowMs - lastByteMs > GM65_STALE_GAP_MS) dropStale();
      lastByteMs = nowMs;
      const text: number[] = [];
      const toText = (byte: number): void => {
        const mapped = tabEndsLine && byte === TAB ? CR : byte;
        text.push(mapped);
        if (mapped === CR || mapped === LF) lineBytes = 0;
        else if (mapped !== NUL) lineBytes++;
      };
      let index = 0;
      while (index < chunk.length) {
        const byte = chunk[index] ?? 0;
        if (replyLength === 0) {
          if (byte === REPLY_START) reply[replyLength++] = byte;
          else toText(byte);
          index++;
          continue;
        }
        if (replyLength < 3 && byte !== 0x00) {
          // 02 not followed by 00 00: text after all (an STX prefix); look at this byte afresh.
          for (const held of reply.subarray(0, replyLength)) toText(held);
          replyLength = 0;
          continue;
        }
        reply[replyLength++] = byte;
        index++;
        if (replyLength >= 4 && replyLength === 4 + (reply[3] ?? 0) + 2) finishReply();
      }
      const events = text.length > 0 ? lines.decode(Uint8Array.from(text)) : [];
      for (const key of COUNTER_KEYS) counters[key] = retired[key] + lines.counters[key] + own[key];
      return events;
    },
  };
}

export interface Gm65SimulatorOptions extends SimulatorOptions {
  terminator?: Gm65Terminator;
  /** How the engine sends non-ASCII text; `gbk` is written as GB18030, its superset. */
  encoding?: 'utf-8' | 'gbk';
}

const TERMINATOR_BYTES: Record<Gm65Terminator, Uint8Array> = {
  CR: Uint8Array.of(CR),
  LF: Uint8Array.of(LF),
  CRLF: Uint8Array.of(CR, LF),
  TAB: Uint8Array.of(TAB),
};

/** Valid commands (CRC right or AB CD) in what the host wrote. */
function commandsIn(written: Uint8Array): number {
  let count = 0;
  let at = 0;
  while (at + 8 <= written.length) {
    const total = 8 + (written[at + 3] ?? 0);
    if (
      written[at] !== COMMAND_HEAD[0] ||
      written[at + 1] !== COMMAND_HEAD[1] ||
      at + total > written.length
    ) {
      at++;
      continue;
    }
    const crcHigh = written[at + total - 2] ?? 0;
    const crcLow = written[at + total - 1] ?? 0;
    const body = written.subarray(at + 2, at + total - 2);
    if ((crcHigh === 0xab && crcLow === 0xcd) || crc16Xmodem(body) === ((crcHigh << 8) | crcLow)) {
      count++;
      at += total;
    } else {
      at++;
    }
  }
  return count;
}

export function createGm65Simulator(options: Gm65SimulatorOptions = {}): DeviceSimulator {
  const random = seededRandom(options.seed ?? 0x6565);
  const encoder = new TextEncoder();
  const suffix = TERMINATOR_BYTES[options.terminator ?? 'CR'];

  function chunked(bytes: Uint8Array, maxChunks: number): WireChunk[] {
    const cuts = splitPoints(bytes.length, 1 + Math.floor(random() * maxChunks), random);
    const chunks: WireChunk[] = [];
    let start = 0;
    for (const end of [...cuts, bytes.length]) {
      chunks.push({ delayMs: 1 + Math.floor(random() * 5), bytes: bytes.slice(start, end) });
      start = end;
    }
    return chunks;
  }

  return {
    emit(action: SimulatedAction): WireChunk[] {
      if (action.kind !== 'scan') return [];
      const code = options.encoding === 'gbk' ? encodeGb18030(action.text) : encoder.encode(action.text);
      return chunked(Uint8Array.of(...code, ...suffix), 3);
    },
    respond(written: Uint8Array): WireChunk[] {
      const replies = commandsIn(written);
      return Array.from({ length: replies }, () => chunked(GM65_REPLY_OK.slice(), 2)).flat();
    },
  };
}

export const gm65Model: DeviceModel = {
  role: 'scanner',
  label: 'Grow GM65 / GM812 scan engine (text lines, binary setup replies)',
  defaultBaudRate: 9600,
  createCodec: (options) => createGm65Codec(options),
  createSimulator: (options) => createGm65Simulator(options),
  commands: {
    trigger: { start: GM65_TRIGGER },
    selfTest: {
      request: GM65_READ_ENCODING,
      timeoutMs: 500,
      description: {
        zh: '读取 0x000D 区（7E 00 07 01 00 0D 01 77 1D），等待 02 00 00 回复',
        en: 'Reads zone 0x000D (7E 00 07 01 00 0D 01 77 1D) and waits for a 02 00 00 reply',
      },
    },
  },
};
