import type { CodecCounters } from '../types.ts';

const CR = 0x0d;
const LF = 0x0a;

export interface LineFramerOptions {
  /** A line longer than this counts once in `oversize` and is dropped up to the next terminator. */
  maxBytes: number;
  counters: CodecCounters;
  /** A byte that is line noise (e.g. NUL): dropped and counted in `bytesSkipped`. */
  noise?: number;
}

/**
 * Text lines as the line-based models send them: CR and LF each end a line and empty lines are ignored,
 * so CR LF, LF-only and CR-only output all work wherever the chunks split them (the LF of a CR LF that
 * arrives in the next chunk never makes a line of its own). `push` hands each whole line to `onLine`.
 */
export function createLineFramer(
  options: LineFramerOptions,
  onLine: (bytes: Uint8Array) => void,
): (chunk: Uint8Array) => void {
  const { maxBytes, counters } = options;
  const noise = options.noise ?? -1;
  const line = new Uint8Array(maxBytes);
  let length = 0;
  let discarding = false;
  return (chunk) => {
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        if (!discarding && length > 0) onLine(line.subarray(0, length));
        discarding = false;
        length = 0;
        continue;
      }
      if (discarding) continue;
      if (byte === noise) {
        counters.bytesSkipped++;
        continue;
      }
      if (length === maxBytes) {
        counters.oversize++;
        discarding = true;
        length = 0;
        continue;
      }
      line[length++] = byte;
    }
  };
}
