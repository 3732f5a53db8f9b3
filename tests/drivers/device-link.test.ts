import { afterEach, describe, expect, it } from 'vitest';
import { createGyMcu90614Codec, encodeGyMcu90614Frame } from '../../drivers/thermometer/gy-mcu90614.ts';
import { DeviceLink } from '../../drivers/transport/device-link.ts';
import { SimulatedPorts } from '../../drivers/transport/port-factory.ts';
import { locatePort, type PortListing } from '../../drivers/transport/port-locator.ts';
import { type Codec, type DeviceEvent, type DeviceState, emptyCounters } from '../../drivers/types.ts';

/** A line codec for tests: `OK\n` frames emit an identity; each `?` asks for a reply `!`. */
function testCodec(): Codec {
  const counters = emptyCounters();
  let replies: Uint8Array[] = [];
  return {
    counters,
    decode(chunk) {
      const events: DeviceEvent[] = [];
      for (const b of chunk) {
        if (b === 0x0a) {
          counters.frames++;
          events.push({ kind: 'identity', text: 'OK', source: 'scan' });
        }
        if (b === 0x3f) replies.push(Uint8Array.of(0x21));
      }
      return events;
    },
    takeReplies() {
      const r = replies;
      replies = [];
      return r;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;

describe('a device link', () => {
  const links: DeviceLink[] = [];
  afterEach(async () => {
    await Promise.all(links.map((l) => l.stop()));
    links.length = 0;
  });

  function make(extra: Partial<ConstructorParameters<typeof DeviceLink>[0]> = {}) {
    const ports = new SimulatedPorts();
    const path = `test:link/${n++}`;
    ports.create(path);
    const link = new DeviceLink({
      deviceId: 'd1',
      port: { path },
      baudRate: 9600,
      codec: testCodec(),
      openPort: ports.factory,
      pathExists: () => true,
      ...extra,
    });
    links.push(link);
    const states: DeviceState[] = [];
    const events: DeviceEvent[] = [];
    const tx: string[] = [];
    link.on('state', (s) => states.push(s));
    link.on('event', (e) => events.push(e));
    link.on('tx', (b) => tx.push(Buffer.from(b).toString('hex')));
    return { link, ports, path, states, events, tx };
  }

  it('opens, decodes what the device sends, and sends the start-up command', async () => {
    const { link, ports, path, states, events, tx } = make({
      commands: { onOpen: [Uint8Array.of(0xa5, 0x45, 0xea)] },
    });
    link.start();
    await sleep(20);
    expect(states).toEqual(['online']);
    expect(tx).toEqual(['a545ea']);
    expect(ports.written(path).toString('hex')).toBe('a545ea');
    ports.inject(path, Buffer.from('x\ny\n'));
    await sleep(10);
    expect(events).toHaveLength(2);
    expect(link.status()).toMatchObject({ state: 'online', bytesRx: 4, counters: { frames: 2 } });
    expect(link.status().lastFrameAt).not.toBeNull();
  });

  it("answers with the codec's replies", async () => {
    const { link, ports, path, tx } = make();
    link.start();
    await sleep(20);
    ports.inject(path, Buffer.from('??'));
    await sleep(10);
    expect(tx).toEqual(['21', '21']);
  });

  it('polls a request/response device while open', async () => {
    const { link, tx } = make({ commands: { poll: { request: Uint8Array.of(0xab), intervalMs: 20 } } });
    link.start();
    await sleep(110);
    expect(tx.length).toBeGreaterThanOrEqual(3);
    expect(new Set(tx)).toEqual(new Set(['ab']));
    await link.stop();
    const sent = tx.length;
    await sleep(60);
    expect(tx.length).toBe(sent);
  });

  it('reports a port that opens but stays silent, and recovers when data flows', async () => {
    const { link, ports, path, states } = make({ silenceTimeoutMs: 60 });
    link.start();
    await sleep(100);
    expect(states).toEqual(['online', 'error']);
    expect(link.status().detail).toMatch(/silent/);
    ports.inject(path, Buffer.from('a\n'));
    await sleep(10);
    expect(states).toEqual(['online', 'error', 'online']);
  });

  it('drops a command written while the port is down instead of sending it late', async () => {
    const { link, tx } = make();
    expect(link.write(Uint8Array.of(0xa0, 0x01, 0x01, 0xa2))).toBe(false);
    link.start();
    await sleep(20);
    expect(tx).toEqual([]);
  });

  it('waits for a missing device and opens it as soon as it appears', async () => {
    let present = false;
    const { link, states } = make({ pathExists: () => present, presencePollMs: 20 });
    link.start();
    await sleep(60);
    expect(states).toEqual([]);
    expect(link.status()).toMatchObject({ state: 'offline', detail: expect.stringMatching(/not connected/) });
    present = true;
    const at = Date.now();
    while (link.status().state !== 'online' && Date.now() - at < 1000) await sleep(5);
    expect(link.status().state).toBe('online');
    expect(Date.now() - at).toBeLessThan(200);
  });
});

describe('a babbling device', () => {
  it('is skipped byte by byte without stalling, and its next good frame still decodes', async () => {
    const ports = new SimulatedPorts();
    const path = `test:flood/${n++}`;
    ports.create(path);
    const link = new DeviceLink({
      deviceId: 't1',
      port: { path },
      baudRate: 115200,
      codec: createGyMcu90614Codec(),
      openPort: ports.factory,
      pathExists: () => true,
    });
    const events: DeviceEvent[] = [];
    link.on('event', (e) => events.push(e));
    link.start();
    await sleep(20);
    // 2 MB of noise with no frame start in it, in USB-sized chunks, then one real frame.
    const noise = Buffer.alloc(64 * 1024, 0x37);
    for (let i = 0; i < 32; i++) ports.inject(path, noise);
    ports.inject(path, encodeGyMcu90614Frame(34.56, 22.1));
    const deadline = Date.now() + 10_000;
    while (events.length === 0 && Date.now() < deadline) await sleep(10);
    expect(events).toEqual([{ kind: 'temperature', objectC: 34.56, ambientC: 22.1 }]);
    expect(link.status().counters).toMatchObject({ frames: 1, bytesSkipped: 32 * 64 * 1024 });
    await link.stop();
  });
});

describe('finding a port by USB ids', () => {
  const listing: PortListing[] = [
    {
      path: '/dev/ttyUSB0',
      links: [],
      vendorId: '067b',
      productId: '2303',
      serialNumber: null,
      manufacturer: 'Prolific',
    },
    {
      path: '/dev/ttyUSB3',
      links: [],
      vendorId: '1a86',
      productId: '7523',
      serialNumber: null,
      manufacturer: null,
    },
    {
      path: '/dev/ttyACM0',
      links: [],
      vendorId: '0c2e',
      productId: '0b61',
      serialNumber: 'A1',
      manufacturer: 'Honeywell',
    },
    {
      path: '/dev/ttyACM1',
      links: [],
      vendorId: '0c2e',
      productId: '0b61',
      serialNumber: 'B2',
      manufacturer: 'Honeywell',
    },
  ];
  const list = async () => listing;

  it('finds the adapter wherever it was plugged in, and tells two alike apart by serial number', async () => {
    expect(await locatePort({ usb: { vendorId: '1A86', productId: '7523' } }, list)).toBe('/dev/ttyUSB3');
    expect(await locatePort({ usb: { vendorId: '0c2e', productId: '0b61', serialNumber: 'B2' } }, list)).toBe(
      '/dev/ttyACM1',
    );
    expect(await locatePort({ usb: { vendorId: 'ffff', productId: '0001' } }, list)).toBeNull();
    expect(await locatePort({ path: '/dev/serial/by-id/x' }, list)).toBe('/dev/serial/by-id/x');
  });
});
