// The reader thread's entry (drivers/transport/serial-reader.ts), beside the module that starts it
// (server/devices.ts), so the bundle's dist/serial-reader.js and the sources find it the same way.
import '../drivers/transport/serial-reader.ts';
