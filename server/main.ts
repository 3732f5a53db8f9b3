import { main } from './cli.ts';

// The entry of the bundle dist/gate-kiosk.js, which `npm start` and the gate-kiosk command run.
process.exitCode = await main(process.argv);
