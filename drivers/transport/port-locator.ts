import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';

/** Where a device is: a fixed path (best a /dev/serial/by-id link), or a USB vendor/product id. */
export type PortSpec = { path: string } | { usb: UsbMatch };

export interface UsbMatch {
  vendorId: string;
  productId: string;
  /** Tells apart two adapters of the same kind; CH340 chips have none (use by-path links then). */
  serialNumber?: string | undefined;
}

export interface PortListing {
  path: string;
  /** Stable links that point at this port (`/dev/serial/by-id/...`, `/dev/serial/by-path/...`). */
  links: string[];
  vendorId: string | null;
  productId: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
}

const LINK_DIRS = ['/dev/serial/by-id', '/dev/serial/by-path'];

/** Every serial port the system lists, with the stable links udev made for it. */
export async function listPorts(): Promise<PortListing[]> {
  const links = new Map<string, string[]>();
  for (const dir of LINK_DIRS) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const link = join(dir, name);
      try {
        const target = realpathSync(link);
        links.set(target, [...(links.get(target) ?? []), link]);
      } catch {
        // a dangling link: its device is gone
      }
    }
  }
  const ports = await SerialPort.list();
  return ports.map((p) => ({
    path: p.path,
    links: links.get(p.path) ?? [],
    vendorId: p.vendorId?.toLowerCase() ?? null,
    productId: p.productId?.toLowerCase() ?? null,
    serialNumber: p.serialNumber ?? null,
    manufacturer: p.manufacturer ?? null,
  }));
}

export function describeSpec(spec: PortSpec): string {
  if ('path' in spec) return spec.path;
  const { vendorId, productId, serialNumber } = spec.usb;
  return `usb ${vendorId}:${productId}${serialNumber ? ` serial ${serialNumber}` : ''}`;
}

/** The path to open now, or null when the device is not plugged in. */
export async function locatePort(
  spec: PortSpec,
  list: () => Promise<PortListing[]> = listPorts,
): Promise<string | null> {
  if ('path' in spec) return spec.path;
  const want = spec.usb;
  const match = (await list()).find(
    (p) =>
      p.vendorId === want.vendorId.toLowerCase() &&
      p.productId === want.productId.toLowerCase() &&
      (want.serialNumber === undefined || p.serialNumber === want.serialNumber),
  );
  return match?.path ?? null;
}
