/**
 * When a chunk was read, and in which turn. Chunks from two ports read in the same turn (both were
 * waiting when the reader got to them) came in no order anyone can know; chunks of different turns
 * came in the order of their turns.
 *
 * Real ports are read on their own thread (./serial-reader-thread.ts), which does nothing else: a
 * turn there is one wake-up of that thread, so a stall of the main thread never puts two chunks in
 * one turn. Simulated ports are read on the main thread, a turn being one turn of its event loop.
 */
export interface ReadStamp {
  atMs: number;
  turn: number;
}

let lastTurn = 0;
let mainTurn: number | null = null;
let threadTurn: { thread: number; id: number } | null = null;

/** A chunk read now on this thread. */
export function stampRead(): ReadStamp {
  if (mainTurn === null) {
    mainTurn = ++lastTurn;
    setImmediate(() => {
      mainTurn = null;
    });
  }
  return { atMs: Date.now(), turn: mainTurn };
}

/** A chunk the reader thread read at `atMs` in its turn `turn`. */
export function stampFromThread(atMs: number, turn: number): ReadStamp {
  if (threadTurn?.thread !== turn) threadTurn = { thread: turn, id: ++lastTurn };
  return { atMs, turn: threadTurn.id };
}
