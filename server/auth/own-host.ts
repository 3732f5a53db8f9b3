import { networkInterfaces } from 'node:os';

/** Whether a peer's address is this machine itself: loopback, or one of its own interfaces' addresses. */
export function isOwnHost(address: string | undefined): boolean {
  if (!address) return false;
  let a = address.toLowerCase();
  const scope = a.indexOf('%');
  if (scope >= 0) a = a.slice(0, scope);
  if (a.startsWith('::ffff:') && a.includes('.')) a = a.slice('::ffff:'.length);
  if (a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a)) return true;
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.address.toLowerCase() === a) return true;
  }
  return false;
}
