import helmet from 'helmet';

/**
 * Strict headers for every answer: scripts and styles only from the kiosk itself (no inline
 * script), no framing, no referrer. Plain HTTP on a school LAN is not upgraded; TLS adds HSTS.
 */
export function securityHeaders(tls: boolean) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: tls ? { maxAge: 15552000 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}
