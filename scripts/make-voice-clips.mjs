// Makes the gate display's spoken prompts as short WAV clips, for browsers without a Chinese voice:
// each text in ui/display/voice-prompts.ts is spoken by Debian's espeak-ng (Mandarin, `cmn`), cut
// to the speech, taken down to 11 025 Hz mono 16-bit and written beside the page as
// ui/display/voice-<key>.wav (the build copies them into ui/dist/display).
//
//   apt-get install espeak-ng
//   node --import tsx scripts/make-voice-clips.mjs
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { PROMPTS, clipFile } = await import(join(root, 'ui', 'display', 'voice-prompts.ts'));

const VOICE = 'cmn';
/** Words per minute: espeak-ng's default pace. */
const SPEED = 175;
/** Samples below this (of 32 767) at either end are silence. */
const SILENCE = 400;

/** The 16-bit mono samples and rate of a WAV file, found by its chunks. */
function readWav(buf) {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('espeak-ng did not write a WAV file');
  }
  let rate = 0;
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    let size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(body);
      const channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      const bits = buf.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error('expected 16-bit mono PCM');
    } else if (id === 'data') {
      // espeak-ng writing to a pipe leaves the size unset.
      if (size === 0 || size === 0xffffffff || body + size > buf.length) size = buf.length - body;
      const samples = new Int16Array(size >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(body + i * 2);
      return { rate, samples };
    }
    at = body + size + (size & 1);
  }
  throw new Error('no data chunk');
}

function writeWav(samples, rate) {
  const out = Buffer.alloc(44 + samples.length * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples.length * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i], 44 + i * 2);
  return out;
}

/** Cut to the speech, keeping 40 ms either side, then average pairs of samples (22 050 → 11 025 Hz). */
function shape({ rate, samples }) {
  let first = samples.findIndex((s) => Math.abs(s) > SILENCE);
  let last = samples.length - 1;
  while (last > 0 && Math.abs(samples[last]) <= SILENCE) last--;
  if (first < 0) throw new Error('espeak-ng produced silence');
  const pad = Math.round(rate * 0.04);
  first = Math.max(0, first - pad);
  last = Math.min(samples.length - 1, last + pad);
  const cut = samples.subarray(first, last + 1);
  const half = new Int16Array(cut.length >> 1);
  for (let i = 0; i < half.length; i++) half[i] = (cut[2 * i] + cut[2 * i + 1]) >> 1;
  return { rate: rate / 2, samples: half };
}

let total = 0;
for (const [key, text] of Object.entries(PROMPTS)) {
  const wav = execFileSync('espeak-ng', ['-v', VOICE, '-s', String(SPEED), '--stdout', text]);
  const { rate, samples } = shape(readWav(wav));
  const file = join(root, 'ui', 'display', clipFile(key));
  const out = writeWav(samples, rate);
  writeFileSync(file, out);
  total += out.length;
  console.log(`${clipFile(key)}  ${text}  ${(samples.length / rate).toFixed(2)} s  ${out.length} bytes`);
}
console.log(`voice clips: ${Object.keys(PROMPTS).length} files, ${total} bytes in ui/display`);
