import { main } from './cli.ts';

// The entry `npm start` runs from its bundle (dist/gate-kiosk.js); `npx gate-kiosk` runs the sources.
process.exitCode = await main(process.argv);
