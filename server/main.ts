// The entry of the bundle dist/gate-kiosk.js, which `npm start` and the gate-kiosk command run.
// First the heap's limits, before any package loads: a module's static imports all load before its
// first line, so the command comes after, by a dynamic import (dist/gate-kiosk-server.js in the build).
import './heap-growth.ts';

const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv);
