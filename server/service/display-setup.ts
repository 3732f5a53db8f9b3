import { join } from 'node:path';

/** The user the gate screen logs in as: no password, no serial ports, nothing but the browser. */
export const DISPLAY_USER = 'gate-display';
export const LIGHTDM_AUTOLOGIN = '/etc/lightdm/lightdm.conf.d/50-gate-kiosk.conf';

export interface DisplayFile {
  path: string;
  content: string;
  mode: number;
  /** Who owns it: root, or the display user (its own settings). */
  owner: 'root' | 'display';
}

export interface DisplayOptions {
  home: string;
  user: string;
  /** Absolute path of scripts/gate-display.sh. */
  launcher: string;
  /** The paired display URL (it holds the display's token). */
  url: string;
}

export function displayUrlFile(home: string): string {
  return join(home, '.config', 'gate-kiosk', 'display-url');
}

export function autostartFile(home: string): string {
  return join(home, '.config', 'autostart', 'gate-kiosk-display.desktop');
}

/**
 * What makes the gate screen: the display user's desktop starts scripts/gate-display.sh at login
 * (XDG autostart, which every desktop honours), the script keeps Chromium in kiosk mode on the
 * paired URL, and LightDM logs that user in at boot.
 */
export function displayFiles(o: DisplayOptions): DisplayFile[] {
  const exec = /[\s"'\\$`]/.test(o.launcher) ? `"${o.launcher.replace(/(["\\$`])/g, '\\$1')}"` : o.launcher;
  return [
    {
      path: autostartFile(o.home),
      owner: 'display',
      mode: 0o644,
      content: `[Desktop Entry]
Type=Application
Name=gate-kiosk display
Comment=The gate screen: Chromium full-screen on the paired display URL, restarted if it exits
Exec=${exec}
Terminal=false
NoDisplay=true
X-GNOME-Autostart-enabled=true
`,
    },
    { path: displayUrlFile(o.home), owner: 'display', mode: 0o600, content: `${o.url}\n` },
    {
      path: LIGHTDM_AUTOLOGIN,
      owner: 'root',
      mode: 0o644,
      content: `# Written by \`gate-kiosk service install --display\`: the gate screen's user logs in at boot.
[Seat:*]
autologin-user=${o.user}
autologin-user-timeout=0
`,
    },
  ];
}

/** The URL a browser on this machine reaches the kiosk's display at. */
export function localDisplayBase(server: { host: string; port: number; tls?: unknown }): string {
  const host =
    server.host === '0.0.0.0' || server.host === '::' || server.host === '' ? '127.0.0.1' : server.host;
  return `${server.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
}
