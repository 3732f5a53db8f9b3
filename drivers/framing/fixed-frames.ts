import type { Codec, CodecCounters, DeviceEvent } from '../types.ts';
import { emptyCounters } from '../types.ts';

export interface FixedFrameLayout {
  length: number;
  /** Whether `byte` may stand at `position` of a frame (start bytes, a fixed length byte…). */
  fits(position: number, byte: number): boolean;
  /** Whether a whole frame's checksum holds. */
  checksumOk(frame: Uint8Array): boolean;
  /** The event a good frame carries, if any. */
  eventOf(frame: Uint8Array): DeviceEvent | null;
}

/**
 * A decoder for binary frames of one length: bytes that cannot start a frame are skipped, a frame
 * that breaks off is dropped from the first later offset that could still begin one, a bad checksum
 * is counted and the search goes on. The buffer never holds more than one frame.
 */
export function createFixedFrameCodec(layout: FixedFrameLayout): Codec {
  const counters: CodecCounters = emptyCounters();
  const frame = new Uint8Array(layout.length);
  let held = 0;

  function dropToNextStart(): void {
    let from = 1;
    for (; from < held; from++) {
      let ok = true;
      for (let k = from; ok && k < held; k++) ok = layout.fits(k - from, frame[k] as number);
      if (ok) break;
    }
    counters.bytesSkipped += from;
    frame.copyWithin(0, from, held);
    held -= from;
  }

  return {
    counters,
    decode(chunk: Uint8Array): DeviceEvent[] {
      const events: DeviceEvent[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i] as number;
        if (!layout.fits(held, byte)) {
          if (held >= 2) counters.resyncs++;
          while (held > 0 && !layout.fits(held, byte)) dropToNextStart();
          if (held === 0 && !layout.fits(0, byte)) {
            counters.bytesSkipped++;
            continue;
          }
        }
        frame[held++] = byte;
        if (held < layout.length) continue;
        if (!layout.checksumOk(frame)) {
          counters.badChecksums++;
          counters.resyncs++;
          dropToNextStart();
          continue;
        }
        counters.frames++;
        const event = layout.eventOf(frame);
        if (event) events.push(event);
        held = 0;
      }
      return events;
    },
  };
}

/** Low byte of the sum of every byte but the last. */
export function sumOfAllButLast(frame: Uint8Array): number {
  let sum = 0;
  for (let k = 0; k < frame.length - 1; k++) sum += frame[k] as number;
  return sum & 0xff;
}

/** A signed big-endian 16-bit value at `at`. */
export function int16At(frame: Uint8Array, at: number): number {
  return (((frame[at] as number) << 24) | ((frame[at + 1] as number) << 16)) >> 16;
}
