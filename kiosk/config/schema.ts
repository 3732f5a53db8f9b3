import { z } from 'zod';
import { deviceModelNames, deviceModels, isDeviceModelName } from '../../drivers/registry.ts';
import { DEFAULT_KEY_CREDENTIAL } from '../store/database-key.ts';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as "HH:mm"');
const id = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, "-" or "_" (at most 32)');
const tenths = (v: number) => Math.abs(Math.round(v * 10) - v * 10) < 1e-9;

/** An http(s) origin: scheme, host and port, no path. */
const httpOrigin = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s.replace(/\/$/, '');
  } catch {
    return false;
  }
}, 'an origin such as "https://kiosk.school.example" (scheme, host and port; no path)');

const usbId = z.string().regex(/^[0-9a-fA-F]{4}$/, 'four hex digits, e.g. "1a86"');

const deviceSchema = z
  .object({
    id,
    role: z.enum(['thermometer', 'scanner', 'card-reader', 'relay']),
    /** One of the models of `drivers/registry.ts`. */
    model: z.string().refine(isDeviceModelName, {
      error: (issue) => `unknown model "${String(issue.input)}"; known: ${deviceModelNames.join(', ')}`,
    }),
    /** A serial path (best a /dev/serial/by-id link), or `simulated`. */
    port: z.string().min(1, 'a serial port path, or "simulated"').optional(),
    /** Or find the adapter by its USB ids, wherever it is plugged in. */
    usb: z
      .object({ vendorId: usbId, productId: usbId, serialNumber: z.string().min(1).optional() })
      .strict()
      .optional(),
    baudRate: z.number().int().positive().optional(),
    cardFormat: z.enum(['10H', '8H10D', '6H8D', '2H+4H', '4H+4H']).optional(),
    debounceMs: z.number().int().min(0).max(10_000).optional(),
    /** A simulated device plays this recorded transcript instead of simulated people. */
    transcript: z.string().optional(),
    /** A relay: channel and how long a pulse holds it on. */
    channel: z.number().int().min(1).max(8).optional(),
    pulseMs: z.number().int().min(50).max(10_000).optional(),
  })
  .strict()
  .superRefine((device, ctx) => {
    if ((device.port === undefined) === (device.usb === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['port'],
        message: 'give either port (a path or "simulated") or usb',
      });
    }
    if (device.transcript !== undefined && device.port !== 'simulated') {
      ctx.addIssue({
        code: 'custom',
        path: ['transcript'],
        message: 'only a simulated device plays a transcript',
      });
    }
    // An unknown model is reported on its field; its role cannot be checked.
    if (!isDeviceModelName(device.model)) return;
    const role = deviceModels[device.model].role;
    if (role !== device.role) {
      ctx.addIssue({
        code: 'custom',
        path: ['role'],
        message: `model "${device.model}" is a ${role}, not a ${device.role}`,
      });
    }
  });

const laneSchema = z
  .object({
    id,
    name: z.string().min(1),
    grades: z.array(z.number().int().min(1).max(12)).default([]),
    /** This lane's own thresholds, e.g. for a calibrated thermometer; the school's rules otherwise. */
    rules: z
      .object({
        feverC: z.number().min(34).max(39).refine(tenths, 'a multiple of 0.1 °C').optional(),
        minPlausibleC: z.number().min(30).max(37).optional(),
      })
      .strict()
      .optional(),
    devices: z.array(deviceSchema).min(1, 'a lane needs at least one device'),
  })
  .strict()
  .superRefine((lane, ctx) => {
    for (const role of ['thermometer', 'relay'] as const) {
      const count = lane.devices.filter((d) => d.role === role).length;
      if (count > 1) ctx.addIssue({ code: 'custom', path: ['devices'], message: `more than one ${role}` });
    }
  });

const sessionSchema = z
  .object({
    id,
    name: z.string().min(1),
    start: clock,
    cutoff: clock,
    boardersOnly: z.boolean().default(false),
  })
  .strict()
  .refine((s) => s.start < s.cutoff, { message: 'start must be before cutoff', path: ['cutoff'] });

export const configSchema = z
  .object({
    school: z
      .object({
        id,
        name: z.string().min(1),
        timezone: z
          .string()
          .default('Asia/Shanghai')
          .refine(isTimeZone, { message: 'an IANA time zone such as "Asia/Shanghai"' }),
      })
      .strict(),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** Serve HTTPS with this certificate and key (PEM files); cookies are then Secure. */
        tls: z.object({ cert: z.string(), key: z.string() }).strict().optional(),
        /** Lets a Prometheus server off this machine read /metrics (`Authorization: Bearer …`). */
        metricsToken: z.string().min(16, 'at least 16 characters').optional(),
        /**
         * Other origins whose pages may open the kiosk's sockets (a browser page is otherwise
         * let in only from the kiosk's own origin), e.g. "https://kiosk.school.example".
         */
        allowedOrigins: z.array(httpOrigin).max(50).optional(),
        /** A login session ends after this long without use. */
        sessionIdleMin: z
          .number()
          .positive()
          .max(24 * 60)
          .default(30),
      })
      .strict()
      .prefault({}),
    /** Raw temperatures and scan texts are purged this many days after upload; counts stay. */
    retention: z
      .object({ days: z.number().int().min(1).max(3650).default(30) })
      .strict()
      .prefault({}),
    dataDir: z.string().default('./data'),
    /**
     * Encrypts the SQLite file. The config names where the key is, never the key itself: a file only
     * the kiosk's user may read, else a systemd credential in $CREDENTIALS_DIRECTORY.
     */
    encryption: z
      .object({
        keyFile: z.string().min(1).optional(),
        credential: z
          .string()
          .regex(/^[A-Za-z0-9_.@-]+$/, 'a systemd credential name')
          .default(DEFAULT_KEY_CREDENTIAL),
      })
      .strict()
      .optional(),
    rules: z
      .object({
        feverC: z.number().min(34).max(39).refine(tenths, 'a multiple of 0.1 °C').default(37.3),
        minPlausibleC: z.number().min(30).max(37).default(35.0),
        /** How long a scan waits for its reading before it is recorded as scanned, not measured. */
        pairWindowS: z.number().positive().max(120).default(10),
        /** After a reading that needs a re-take, the next reading within this is the same person's. */
        retakeWindowS: z.number().positive().max(60).default(8),
        /**
         * A reading may wait this long for the scan that follows it (0, the default: scan first only).
         * Off by default: someone who measures without scanning and walks on, then the next pupil who
         * scans and walks on without measuring, would put the first one's temperature on the second.
         */
        readingFirstMs: z.number().int().min(0).max(10_000).default(0),
        /** How long a person may take from their scan to the thermometer (a reading-first pair waits it). */
        scanToMeasureMs: z.number().int().min(0).max(30_000).default(2500),
        /** Scans and readings of different people closer than this are in no order the kiosk trusts. */
        orderGraceMs: z.number().int().min(0).max(10_000).default(1000),
        /** How much later one port's bytes may arrive than another's (kiosk/lanes/visits.ts). */
        portSkewMs: z.number().int().min(0).max(1000).default(50),
        healthStatusMaxAgeH: z.number().positive().default(24),
        decisionHoldS: z.number().positive().max(120).default(6),
      })
      .strict()
      .refine((r) => r.minPlausibleC < r.feverC, { message: 'minPlausibleC must be below feverC' })
      .prefault({}),
    /** Forehead modules (object + ambient temperature): when someone is there, and calibration age. */
    thermometry: z
      .object({
        presenceDeltaC: z.number().min(0.3).max(10).default(1.5),
        minObjectC: z.number().min(15).max(36).default(28),
        dwellMs: z.number().int().min(100).max(5000).default(600),
        stableSpreadC: z.number().min(0.05).max(2).default(0.3),
        maxDwellMs: z.number().int().min(500).max(20_000).default(3000),
        calibrationMaxAgeDays: z.number().positive().max(365).default(30),
      })
      .strict()
      .prefault({}),
    sessions: z.array(sessionSchema).default([]),
    lanes: z.array(laneSchema).min(1, 'at least one lane').max(16, 'at most 16 lanes'),
    roster: z.string().optional(),
    /** Bounds on a roster file, however it is imported: people, unzipped .xlsx size, characters per cell. */
    rosterLimits: z
      .object({
        maxRows: z.number().int().min(1).max(200_000).default(20_000),
        maxUnzippedMB: z.number().positive().max(1024).default(50),
        maxCellChars: z.number().int().min(64).max(32_767).default(1000),
      })
      .strict()
      .prefault({}),
    /** Health-code sources besides the roster: signed passes, the district's status feed, an online lookup. */
    healthCodes: z
      .object({
        trustedKeys: z
          .array(
            z
              .object({
                kid: z.string().min(1),
                jwk: z
                  .object({
                    kty: z.literal('OKP'),
                    crv: z.literal('Ed25519'),
                    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'the base64url public key (43 characters)'),
                  })
                  .loose(),
              })
              .strict(),
          )
          .default([]),
        revoked: z.array(z.string().min(1)).default([]),
        revocationUrl: z.url().optional(),
        statusUrl: z.url().optional(),
        /** A folder the district's status files are dropped into (read once, then moved aside). */
        statusDir: z.string().optional(),
        /** How often the revocation list and status feed are fetched. */
        refreshMin: z.number().positive().max(1440).default(15),
        lookup: z
          .object({ url: z.url(), timeoutMs: z.number().int().min(50).max(10_000).default(800) })
          .strict()
          .optional(),
        /** Tolerance for clocks between the pass issuer and the kiosk. */
        clockSkewS: z.number().int().min(0).max(3600).default(60),
      })
      .strict()
      .prefault({}),
    /**
     * This kiosk is a gate of a school whose desk is another kiosk: records go to the desk (which
     * uploads them to the district), the roster and people's states come from it.
     */
    desk: z
      .object({
        /** The desk's address, e.g. "https://desk.school.local:8443". */
        url: z.url(),
        /** A file holding the token `gate-kiosk gate add` printed on the desk (0600). */
        tokenFile: z.string().min(1),
        /** The desk's certificate (PEM): an https desk is trusted only with exactly this certificate. */
        pinnedCert: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    upload: z
      .object({
        endpoint: z.url(),
        batchSize: z.number().int().positive().max(5000).default(500),
      })
      .strict()
      .optional(),
    /** Copies of the SQLite file, taken while the lanes keep deciding. */
    backup: z
      .object({
        /** A copy every day at this time of day (school time zone), or at the first start after it. */
        daily: clock.optional(),
        /** How many daily copies are kept (the oldest beyond go). */
        keep: z.number().int().min(1).max(366).default(7),
        /** Where the copies go; default `backups` in the data folder. */
        dir: z.string().optional(),
      })
      .strict()
      .prefault({}),
    simulation: z
      .object({
        autoArrivalsPerMin: z.number().min(0).max(600).default(0),
        /** Demo only: moves roster status times forward so the newest is "now", keeping their ages. */
        freshenRosterStatuses: z.boolean().default(false),
        seed: z.number().int().optional(),
        /** Demo only: guard/nurse/admin/maintenance accounts with fresh random passwords, printed on start. */
        demoAccounts: z.boolean().default(false),
        /**
         * Demo only: the check windows are laid around the start so that a check is open, and a fresh
         * data folder gets the part of the day that went before (screenings, cases, absences).
         */
        demoDay: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    unique(
      cfg.lanes.map((l) => l.id),
      ['lanes'],
      'lane id',
      ctx,
    );
    unique(
      cfg.lanes.flatMap((l) => l.devices.map((d) => d.id)),
      ['lanes'],
      'device id',
      ctx,
    );
    unique(
      cfg.sessions.map((s) => s.id),
      ['sessions'],
      'session id',
      ctx,
    );
    const real = cfg.lanes.flatMap((l) =>
      l.devices.flatMap((d) =>
        d.port !== undefined && d.port !== 'simulated'
          ? [d.port]
          : d.usb
            ? [`usb ${d.usb.vendorId}:${d.usb.productId}:${d.usb.serialNumber ?? ''}`]
            : [],
      ),
    );
    unique(real, ['lanes'], 'serial port', ctx);
    if (cfg.desk && cfg.upload) {
      ctx.addIssue({
        code: 'custom',
        path: ['upload'],
        message:
          'a gate with a desk sends its records to the desk, which uploads them: remove upload or desk',
      });
    }
  });

function unique(values: string[], path: string[], what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) ctx.addIssue({ code: 'custom', path, message: `${what} "${v}" is used twice` });
    seen.add(v);
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export type KioskConfig = z.infer<typeof configSchema>;
export type LaneConfig = KioskConfig['lanes'][number];
export type DeviceConfig = LaneConfig['devices'][number];
export type SessionConfig = KioskConfig['sessions'][number];
export type Rules = KioskConfig['rules'];
