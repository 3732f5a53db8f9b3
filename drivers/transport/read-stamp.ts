/**
 * When a chunk was read, and in which turn of the event loop. Chunks from two ports read in the same
 * turn (both were waiting when the process got to them) came in no order anyone can know.
 */
export interface ReadStamp {
  atMs: number;
  turn: number;
}

let turn = 0;
let turnEnds = false;

export function stampRead(): ReadStamp {
  if (!turnEnds) {
    turnEnds = true;
    setImmediate(() => {
      turnEnds = false;
      turn++;
    });
  }
  return { atMs: Date.now(), turn };
}
