import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/**
 * Tells systemd how the service is (sd_notify: `READY=1`, `WATCHDOG=1`, `STOPPING=1`, `STATUS=…`).
 * The message is a datagram on the unix socket in `$NOTIFY_SOCKET`, which Node cannot send itself:
 * a small Perl helper (perl-base is part of every Debian and Ubuntu system) keeps one socket open and
 * sends each message it reads; without Perl, `systemd-notify` is run for each message. Both are the
 * service's children, so the unit says `NotifyAccess=all`.
 */
export interface Notifier {
  readonly via: 'perl' | 'systemd-notify';
  send(...assignments: string[]): void;
  close(): void;
}

// Reads NUL-terminated messages on stdin and sends each as one datagram; "@name" is an abstract socket.
// It ignores the signals that stop the service (systemd signals every process of the unit at once) and
// ends when the kiosk has gone (end of its input), so the kiosk's last word, STOPPING=1, still goes.
const HELPER = [
  'use strict; use Socket;',
  '$SIG{TERM} = $SIG{INT} = $SIG{HUP} = "IGNORE";',
  'my $path = shift; $path =~ s/^@/\\0/;',
  'socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or die "gate-kiosk sd_notify: socket: $!\\n";',
  'my $to = pack_sockaddr_un($path); $/ = "\\0"; $| = 1;',
  'while (my $m = <STDIN>) { chomp $m; send($s, $m, 0, $to) or warn "gate-kiosk sd_notify: $!\\n"; }',
].join(' ');

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The notifier for `$NOTIFY_SOCKET`, or null when the process was not started by systemd with one.
 * The variable is taken out of the environment so that other children do not speak for the service.
 */
export function systemdNotifier(env: NodeJS.ProcessEnv = process.env): Notifier | null {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return null;
  delete env.NOTIFY_SOCKET;
  if (has('perl')) {
    const helper: ChildProcess = spawn('perl', ['-e', HELPER, socket], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    helper.on('error', () => {});
    helper.stdin?.on('error', () => {});
    helper.unref();
    (helper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return {
      via: 'perl',
      send: (...assignments) => {
        helper.stdin?.write(`${assignments.join('\n')}\0`);
      },
      close: () => {
        helper.stdin?.end();
      },
    };
  }
  return {
    via: 'systemd-notify',
    send: (...assignments) => {
      const child = spawn('systemd-notify', assignments, {
        stdio: 'ignore',
        env: { ...process.env, NOTIFY_SOCKET: socket },
      });
      child.on('error', () => {});
      child.unref();
    },
    close: () => {},
  };
}

/** `$WATCHDOG_USEC` for this process (systemd's `WatchdogSec=`), in ms; null when not watched. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv = process.env, pid = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return null;
  return usec / 1000;
}
