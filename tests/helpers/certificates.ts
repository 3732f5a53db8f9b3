import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A self-signed P-256 certificate for `commonName`, made by openssl: `<base>.pem` and `<base>.key` in `dir`. */
export function selfSignedCert(
  dir: string,
  commonName: string,
  base = commonName,
  opts: { days?: number; subjectAltName?: string } = {},
): { cert: string; key: string } {
  const cert = join(dir, `${base}.pem`);
  const key = join(dir, `${base}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      String(opts.days ?? 2),
      '-subj',
      `/CN=${commonName}`,
      ...(opts.subjectAltName ? ['-addext', `subjectAltName=${opts.subjectAltName}`] : []),
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
