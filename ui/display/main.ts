// The gate display: one tile per lane, live from the server's `/display` namespace, with an alarm
// and a short spoken prompt for each decision. In kiosk mode (Chromium with
// `--autoplay-policy=no-user-gesture-required`) sound starts with the page; where the browser blocks
// it, a large banner says so until someone touches the screen.
import { io, type Socket } from 'socket.io-client';
import type {
  DisplayClientEvents,
  DisplayServerEvents,
  LaneSnapshot,
} from '../../contract/display-events.ts';
import { keepLive, OfflineNotice } from '../shared/live-link.ts';
import { AlertSound } from './alert-sound.ts';
import { OFFLINE_WORDING } from './labels.ts';
import { LaneTile } from './lane-tile.ts';
import { gridShape } from './layout.ts';
import { parseDeviceStatus, parseLanes, parseLaneUpdate, parseServerInfo } from './payloads.ts';
import { TopBar } from './top-bar.ts';
import { VoicePrompts } from './voice.ts';
import { promptFor } from './voice-prompts.ts';

const lanesRoot = document.getElementById('lanes');
const soundBanner = document.getElementById('sound-banner');
if (!lanesRoot || !soundBanner)
  throw new Error('display page: #lanes or #sound-banner is missing from index.html');

const params = new URLSearchParams(window.location.search);
const topBar = new TopBar();
const overlay = new OfflineNotice('overlay', OFFLINE_WORDING);
const sound = new AlertSound((enabled) => {
  soundBanner.hidden = enabled;
  document.body.dataset.sound = enabled ? 'on' : 'off';
  if (enabled) void voice.load();
});
const voice = new VoicePrompts(sound, params.get('voice') !== 'off', (mode) => {
  document.body.dataset.voice = mode;
});
const tiles = new Map<string, LaneTile>();

topBar.tick();

// --- lanes ---------------------------------------------------------------------------------

function showLanes(lanes: LaneSnapshot[]): void {
  tiles.clear();
  const formatTime = (iso: string): string => {
    const at = new Date(iso);
    return Number.isNaN(at.getTime()) ? '' : topBar.clock.formatTime(at);
  };
  const elements = lanes.map((lane) => {
    const tile = new LaneTile(lane, formatTime);
    tiles.set(lane.id, tile);
    return tile.element;
  });
  const { columns, rows } = gridShape(lanes.length);
  lanesRoot?.style.setProperty('--columns', String(columns));
  lanesRoot?.style.setProperty('--rows', String(rows));
  if (elements.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'lanes-empty';
    empty.textContent = '没有分配给此显示屏的通道 · No lanes for this display';
    elements.push(empty);
  }
  lanesRoot?.replaceChildren(...elements);
}

function flash(element: HTMLElement): void {
  element.classList.remove('is-fresh');
  // Reading layout restarts the CSS animation.
  void element.offsetWidth;
  element.classList.add('is-fresh');
}

// --- socket --------------------------------------------------------------------------------

const token = params.get('token');
const socket: Socket<DisplayServerEvents, DisplayClientEvents> = io('/display', {
  auth: token ? { token } : {},
});

socket.on('lanes', (payload) => {
  const lanes = parseLanes(payload);
  if (!lanes) {
    console.warn('display: ignored a malformed lanes snapshot', payload);
    return;
  }
  showLanes(lanes);
  document.body.classList.remove('is-stale');
});

socket.on('lane:update', (payload) => {
  const update = parseLaneUpdate(payload);
  const tile = update ? tiles.get(update.laneId) : undefined;
  if (!update || !tile) {
    console.warn('display: ignored a lane update', payload);
    return;
  }
  if (!tile.applyUpdate(update)) return;
  if (update.state === 'decided') {
    flash(tile.element);
    // A guard's answer was given by someone standing at the lane: no alarm for it.
    if (!update.action) sound.alertFor(tile.currentTone);
  }
  const prompt = promptFor(update);
  if (prompt) {
    const tone = tile.currentTone;
    voice.say(prompt, update.state === 'decided' && (tone === 'red' || tone === 'amber') ? tone : 'none');
  }
});

socket.on('device:status', (payload) => {
  const status = parseDeviceStatus(payload);
  if (!status || !tiles.get(status.laneId)?.setDeviceState(status.deviceId, status.state)) {
    console.warn('display: ignored a device status', payload);
  }
});

socket.on('server:info', (payload) => {
  const info = parseServerInfo(payload);
  if (info) topBar.showServerInfo(info);
});

keepLive(socket, { views: [overlay] });

// Tiles stay greyed until the server's fresh snapshot arrives.
socket.on('connect', () => document.body.classList.add('is-stale'));

// --- sound: at once in kiosk mode, else on the first touch; the banner says while it is off ---

document.body.dataset.sound = 'off';
const gestureEvents = ['pointerdown', 'keydown', 'touchstart'] as const;
function enableSound(): void {
  void sound.enable();
}
for (const type of gestureEvents) document.addEventListener(type, enableSound, true);
void sound.enable();

// --- screen --------------------------------------------------------------------------------

window.setInterval(() => {
  topBar.tick();
  overlay.tick();
}, 1000);

document.addEventListener('dblclick', () => {
  if (document.fullscreenElement) void document.exitFullscreen();
  else void document.documentElement.requestFullscreen().catch(() => undefined);
});

// Keep the screen from sleeping where the browser allows it.
async function keepAwake(): Promise<void> {
  try {
    if ('wakeLock' in navigator && document.visibilityState === 'visible') {
      await navigator.wakeLock.request('screen');
    }
  } catch {
    // Not allowed here (e.g. plain http on another host); the screen's own settings apply.
  }
}
void keepAwake();
document.addEventListener('visibilitychange', () => void keepAwake());
