import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what was live after a full collection, in percent. By default
 * it may grow to about four times that before collecting again; at a gate under a burst (16 lanes ×
 * 100 people a second) that is 70 MB of garbage held in the main thread's old space and a resident
 * size of 245 MiB. At 20 % it peaks near 180 MiB, for a full collection about every second under that
 * load (a few milliseconds each). It applies to every thread started afterwards too.
 */
export const HEAP_GROWING_PERCENT = 20;

setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
