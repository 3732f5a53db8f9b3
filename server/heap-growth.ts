import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what was live after a full collection, in percent. By default
 * it may grow to about four times that before collecting again; at a gate under a burst (16 lanes ×
 * 100 people a second) that is 70 MB of garbage held in the main thread's old space and a resident
 * size of 245 MiB. At 20 % it peaks near 180 MiB, for a full collection about every second under that
 * load (a few milliseconds each). It applies to every thread started afterwards too.
 */
const HEAP_GROWING_PERCENT = 20;

/**
 * While the modules load, the young generation stays at its first size: loading keeps most of what
 * it makes, and V8 would double the young generation at each collection up to 32 MB that an idle
 * kiosk then carries for ever (idle resident size 111–114 MB at one lane, 98–102 MB without that).
 * After start-up it may grow again as V8 likes (a small one under a burst means many more
 * collections: p99 92–229 ms instead of 40–73 at 16 × 100/s).
 */
const START_UP_MS = 3_000;
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;

setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
setFlagsFromString('--semi-space-growth-factor=1');
setTimeout(
  () => setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`),
  START_UP_MS,
).unref();
