// The entry of the bundle dist/gate-kiosk.js, which `npm start` and the gate-kiosk command run.
// First, before anything allocates much: how far the heap grows between full collections.
import './heap-growth.ts';
import { main } from './cli.ts';

process.exitCode = await main(process.argv);
