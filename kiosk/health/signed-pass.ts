import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { Bilingual } from '../policy/types.ts';

/**
 * Offline health passes: a compact JWS `header.payload.signature` (base64url, RFC 7515) signed with
 * Ed25519 (RFC 8037, `alg: EdDSA`), header `{alg, kid, typ?}`, payload
 * `{sub, name, code, iat, exp, jti, nbf?}` with times in seconds since the epoch.
 */

export interface TrustedKey {
  kid: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string };
}

export type PassCode = 'green' | 'yellow' | 'red';

export interface VerifiedPass {
  sub: string;
  name: string;
  code: PassCode;
  iat: Date;
  exp: Date;
  jti: string;
  kid: string;
}

export const passFailureReasons = [
  'malformed',
  'wrong_alg',
  'unknown_kid',
  'bad_signature',
  'expired',
  'not_yet_valid',
  'revoked',
  'bad_payload',
] as const;
export type PassFailureReason = (typeof passFailureReasons)[number];

export type PassVerification =
  | { ok: true; pass: VerifiedPass }
  | { ok: false; reason: PassFailureReason; message: Bilingual };

export interface PassVerifierOptions {
  trustedKeys: readonly TrustedKey[];
  isRevoked?: (jti: string) => boolean;
  /** How far the kiosk's clock may disagree with the issuer's. */
  clockSkewS?: number;
}

/** A QR code holds at most 4,296 characters; anything longer is not a pass. */
const maxPassLength = 4296;
const segment = /^[A-Za-z0-9_-]+$/;
const passCodes: readonly string[] = ['green', 'yellow', 'red'];

const messages: Record<PassFailureReason, Bilingual> = {
  malformed: { zh: '通行码格式无法识别', en: 'The pass cannot be read' },
  wrong_alg: { zh: '通行码签名算法不受支持', en: 'The pass uses an unsupported signature algorithm' },
  unknown_kid: { zh: '通行码签发密钥不受信任', en: 'The pass was signed with an unknown key' },
  bad_signature: { zh: '通行码签名无效，可能被篡改', en: 'The pass signature is invalid; it may be altered' },
  expired: { zh: '通行码已过期', en: 'The pass has expired' },
  not_yet_valid: { zh: '通行码尚未生效', en: 'The pass is not valid yet' },
  revoked: { zh: '通行码已被撤销', en: 'The pass has been revoked' },
  bad_payload: { zh: '通行码内容不完整或无效', en: 'The pass content is incomplete or invalid' },
};

/** A cheap test for routing a scan: three base64url parts whose first is a JSON header naming an `alg`. */
export function looksLikeSignedPass(text: string): boolean {
  const parts = splitPass(text);
  return parts !== null && typeof parts.header.alg === 'string';
}

export class PassVerifier {
  private readonly keys = new Map<string, KeyObject>();
  private readonly isRevoked: (jti: string) => boolean;
  private readonly skewMs: number;

  /** Throws on a key that is not an Ed25519 public key, or a kid given twice: both are config errors. */
  constructor(options: PassVerifierOptions) {
    for (const { kid, jwk } of options.trustedKeys) {
      if (this.keys.has(kid)) throw new Error(`healthCodes.trustedKeys: kid "${kid}" is given twice`);
      let key: KeyObject;
      try {
        key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
      } catch (error) {
        throw new Error(
          `healthCodes.trustedKeys: key "${kid}" is not a valid JWK: ${(error as Error).message}`,
        );
      }
      if (key.asymmetricKeyType !== 'ed25519') {
        throw new Error(`healthCodes.trustedKeys: key "${kid}" is ${key.asymmetricKeyType}, not Ed25519`);
      }
      this.keys.set(kid, key);
    }
    this.isRevoked = options.isRevoked ?? (() => false);
    this.skewMs = (options.clockSkewS ?? 60) * 1000;
  }

  verify(text: string, now: Date): PassVerification {
    try {
      return this.check(text, now);
    } catch {
      return fail('malformed');
    }
  }

  private check(text: string, now: Date): PassVerification {
    const parts = splitPass(text);
    if (!parts) return fail('malformed');
    const { header } = parts;
    if (header.alg !== 'EdDSA') return fail('wrong_alg');
    const kid = header.kid;
    const key = typeof kid === 'string' ? this.keys.get(kid) : undefined;
    if (!key || typeof kid !== 'string') return fail('unknown_kid');
    const signature = decodeSegment(parts.signature);
    if (signature?.length !== 64) return fail('bad_signature');
    const signingInput = Buffer.from(`${parts.header64}.${parts.payload64}`, 'ascii');
    if (!verify(null, signingInput, key, signature)) return fail('bad_signature');

    const payload = parseJsonObject(decodeSegment(parts.payload64));
    if (!payload) return fail('bad_payload');
    const { sub, name, code, iat, exp, jti, nbf } = payload;
    if (
      !nonEmpty(sub) ||
      typeof name !== 'string' ||
      typeof code !== 'string' ||
      !passCodes.includes(code) ||
      !seconds(iat) ||
      !seconds(exp) ||
      exp <= iat ||
      !nonEmpty(jti) ||
      (nbf !== undefined && !seconds(nbf))
    ) {
      return fail('bad_payload');
    }
    if (this.isRevokedSafely(jti)) return fail('revoked');
    const nowMs = now.getTime();
    if (nowMs > exp * 1000 + this.skewMs) return fail('expired');
    if (nowMs < iat * 1000 - this.skewMs) return fail('not_yet_valid');
    if (typeof nbf === 'number' && nowMs < nbf * 1000 - this.skewMs) return fail('not_yet_valid');
    return {
      ok: true,
      pass: {
        sub,
        name,
        code: code as PassCode,
        iat: new Date(iat * 1000),
        exp: new Date(exp * 1000),
        jti,
        kid,
      },
    };
  }

  /** A revocation check that fails counts as revoked: a pass is never green for want of the list. */
  private isRevokedSafely(jti: string): boolean {
    try {
      return this.isRevoked(jti);
    } catch {
      return true;
    }
  }
}

function fail(reason: PassFailureReason): PassVerification {
  return { ok: false, reason, message: messages[reason] };
}

interface PassParts {
  header: Record<string, unknown>;
  header64: string;
  payload64: string;
  signature: string;
}

function splitPass(text: string): PassParts | null {
  if (typeof text !== 'string' || text.length > maxPassLength) return null;
  const parts = text.trim().split('.');
  if (parts.length !== 3) return null;
  const [header64, payload64, signature] = parts as [string, string, string];
  if (!segment.test(header64) || !segment.test(payload64) || !segment.test(signature)) return null;
  if (!decodeSegment(payload64)) return null;
  const header = parseJsonObject(decodeSegment(header64));
  if (!header) return null;
  return { header, header64, payload64, signature };
}

/** Strict base64url: Node's decoder skips bad characters, so a text must also re-encode to itself. */
function decodeSegment(text: string): Buffer | null {
  if (!segment.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function parseJsonObject(bytes: Buffer | null): Record<string, unknown> | null {
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function seconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1e11;
}
