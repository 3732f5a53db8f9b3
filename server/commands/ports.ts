import { listPorts } from '../../drivers/transport/port-locator.ts';

/** `gate-kiosk ports`: the serial ports this machine has, with their stable links and USB ids. */
export async function portsCommand(opts: { json?: boolean }, out = process.stdout): Promise<void> {
  const ports = await listPorts();
  if (opts.json) {
    out.write(`${JSON.stringify(ports)}\n`);
    return;
  }
  if (ports.length === 0) {
    out.write(
      '没有找到串口（适配器插好了吗？驱动加载了吗？）/ no serial ports found (is the adapter plugged in? is its driver loaded?)\n',
    );
    return;
  }
  for (const p of ports) {
    const usb = p.vendorId && p.productId ? `usb ${p.vendorId}:${p.productId}` : 'no usb ids';
    const extra = [usb, p.serialNumber ? `serial ${p.serialNumber}` : '', p.manufacturer ?? ''].filter(
      Boolean,
    );
    out.write(`${p.path}  ${extra.join('  ')}\n`);
    for (const link of p.links) out.write(`  ${link}\n`);
  }
}
