import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { TrustedKey } from '../../kiosk/health/signed-pass.ts';

/** A district pass issuer for tests: a fresh Ed25519 key pair and the trusted-key entry for it. */
export function issuer(kid: string): { kid: string; privateKey: KeyObject; trusted: TrustedKey } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' });
  if (!x) throw new Error('no x in the exported key');
  return { kid, privateKey, trusted: { kid, jwk: { kty: 'OKP', crv: 'Ed25519', x } } };
}

/** base64url of a JSON value, as in a JWS. */
export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS as a district would issue it. */
export function signPass(privateKey: KeyObject, header: object, payload: object): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}
