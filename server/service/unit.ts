import { relative } from 'node:path';

export const SERVICE_NAME = 'gate-kiosk';
export const DEFAULT_SERVICE_USER = 'gate-kiosk';
/** systemd's state folder for the unit (`StateDirectory=gate-kiosk`). */
export const SERVICE_DATA_DIR = '/var/lib/gate-kiosk';
export const UNIT_PATH = `/etc/systemd/system/${SERVICE_NAME}.service`;
/** Half of it is how often a kiosk whose lanes answer tells systemd so. */
export const WATCHDOG_SEC = 30;

/**
 * Where the unit loads the database key from when the config names a credential: the plain store
 * `/etc/credstore` when the key is there, else systemd's encrypted store (`systemd-creds encrypt`).
 */
export function credentialOf(
  name: string,
  exists: (file: string) => boolean,
): { name: string; file: string; encrypted: boolean } {
  const plain = `/etc/credstore/${name}`;
  return exists(plain)
    ? { name, file: plain, encrypted: false }
    : { name, file: `/etc/credstore.encrypted/${name}`, encrypted: true };
}

export interface UnitOptions {
  /** Absolute path of the node binary. */
  node: string;
  /** Absolute path of bin/gate-kiosk.js. */
  bin: string;
  /** Absolute path of the config file. */
  config: string;
  user: string;
  /** Folders besides the data folder the kiosk writes to (`backup.dir`, `healthCodes.statusDir`). */
  writable?: readonly string[];
  /** The database key as a systemd credential: its name and the file it is loaded from. */
  credential?: { name: string; file: string; encrypted: boolean } | null;
  readme?: string;
}

/** systemd quotes: a word with spaces, quotes or backslashes in double quotes, `%` doubled. */
function arg(word: string): string {
  const escaped = word.replace(/%/g, '%%');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped) ? escaped : `"${escaped.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * The kiosk's systemd unit: runs at boot and again after any exit, as its own user in the `dialout`
 * group, its data in /var/lib/gate-kiosk (0700), with a watchdog the kiosk feeds while its lanes
 * answer. The hardening keeps /dev as it is, so that serial adapters plugged in at any time open.
 */
export function renderUnit(o: UnitOptions): string {
  const writable = (o.writable ?? []).filter((dir) => relative(SERVICE_DATA_DIR, dir).startsWith('..'));
  const exec = [o.node, o.bin, 'start', '--config', o.config, '--data', SERVICE_DATA_DIR].map(arg).join(' ');
  return `# Written by \`gate-kiosk service install\`; \`gate-kiosk service uninstall\` removes it.
[Unit]
Description=gate-kiosk: school gate health screening (lanes, gate display, records)
${o.readme ? `Documentation=file:${o.readme}\n` : ''}After=network-online.target time-sync.target
Wants=network-online.target
# Restarted however often it stops: a gate must never stay down.
StartLimitIntervalSec=0

[Service]
Type=notify
# The kiosk tells systemd through a small helper process of its own.
NotifyAccess=all
ExecStart=${exec}
Environment=NODE_ENV=production GATE_KIOSK_LOG_FORMAT=json
User=${o.user}
Group=${o.user}
SupplementaryGroups=dialout
StateDirectory=${SERVICE_NAME}
StateDirectoryMode=0700
UMask=0077
Restart=always
RestartSec=2
WatchdogSec=${WATCHDOG_SEC}
TimeoutStartSec=90
TimeoutStopSec=30

# Hardening. Left out on purpose, because each would keep serial ports from opening:
# PrivateDevices= and DevicePolicy= (a device list is fixed when the service starts, before an
# adapter may be plugged in), ProtectClock= (adds a device list), PrivateUsers= (drops dialout).
# MemoryDenyWriteExecute= is left out because Node's JIT writes code.
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
ProtectProc=invisible
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
${writable.map((dir) => `ReadWritePaths=-${arg(dir)}\n`).join('')}${
  o.credential
    ? `# The database key, handed to the kiosk in $CREDENTIALS_DIRECTORY.\n${o.credential.encrypted ? 'LoadCredentialEncrypted' : 'LoadCredential'}=${o.credential.name}:${arg(o.credential.file)}\n`
    : ''
}
[Install]
WantedBy=multi-user.target
`;
}
