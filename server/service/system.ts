import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The command is not on this machine. */
  missing: boolean;
}

/** Runs a system command and waits for it; never throws. */
export function run(command: string, args: readonly string[], timeoutMs = 60_000): Ran {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? r.error?.message ?? '', missing };
}

export function has(command: string): boolean {
  return run('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** Whether this machine was booted with systemd as its service manager (sd_booted). */
export function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

export function userExists(name: string): boolean {
  return run('id', ['-u', name]).status === 0;
}

export function groupsOf(name: string): string[] {
  const r = run('id', ['-nG', name]);
  return r.status === 0 ? r.stdout.trim().split(/\s+/) : [];
}

export function homeOf(name: string): string | null {
  const r = run('getent', ['passwd', name]);
  return r.status === 0 ? (r.stdout.trim().split(':')[5] ?? null) : null;
}

export interface UnitState {
  loaded: boolean;
  activeState: string;
  subState: string;
  unitFileState: string;
  mainPid: number;
  restarts: number;
  since: string | null;
  result: string;
}

/** `systemctl show` of a unit; null when systemctl cannot answer (no systemd). */
export function unitState(unit: string): UnitState | null {
  const r = run('systemctl', [
    'show',
    unit,
    '--property=LoadState,ActiveState,SubState,UnitFileState,MainPID,NRestarts,ActiveEnterTimestamp,Result',
  ]);
  if (r.status !== 0) return null;
  const p = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) p.set(line.slice(0, i), line.slice(i + 1));
  }
  return {
    loaded: p.get('LoadState') === 'loaded',
    activeState: p.get('ActiveState') ?? 'unknown',
    subState: p.get('SubState') ?? '',
    unitFileState: p.get('UnitFileState') ?? '',
    mainPid: Number(p.get('MainPID') ?? 0),
    restarts: Number(p.get('NRestarts') ?? 0),
    since: p.get('ActiveEnterTimestamp') || null,
    result: p.get('Result') ?? '',
  };
}
