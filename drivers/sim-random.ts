/** Repeatable randomness for simulators: the same seed gives the same bytes and chunking. */

/** `count − 1` distinct ascending offsets strictly inside 0…length. */
export function splitPoints(length: number, count: number, random: () => number): number[] {
  const points = new Set<number>();
  while (points.size < Math.min(count - 1, length - 1)) points.add(1 + Math.floor(random() * (length - 1)));
  return [...points].sort((a, b) => a - b);
}

/** mulberry32: small, fast and repeatable; not for anything secret. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
