// Voice messages: recording in the browser (MediaRecorder), the waveform's peaks (computed once,
// here, and sent with the upload), and the player: a play button, the waveform as the progress
// bar (the played part in the accent colour) and the time.
import { el, svg } from '../ui.js';

const BARS = 64;             // peaks sent with a recording (the contract allows 1..200)
const MAX_MS = 15 * 60_000;  // the longest recording the server takes (900000 ms)
const PLAY = 'M8 5v14l11-7z';
const PAUSE = 'M6 5h4v14H6zm8 0h4v14h-4z';

/** m:ss */
export function clock(ms) {
  const s = Math.max(0, Math.round((ms || 0) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function recordingSupported() {
  return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
}

/**
 * One recording: start() asks for the microphone and records; levels (0..1, about ten a second)
 * feed the live meter; stop() gives the recording with its duration and peaks; cancel() drops it.
 */
export class VoiceRecorder {
  constructor({ onLevel, onTick, onLimit } = {}) {
    this.onLevel = onLevel || (() => {});
    this.onTick = onTick || (() => {});
    this.onLimit = onLimit || (() => {});
    this.levels = [];
    this.parts = [];
  }

  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const type = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4']
      .find((t) => MediaRecorder.isTypeSupported(t));
    this.recorder = new MediaRecorder(this.stream, type ? { mimeType: type } : undefined);
    this.recorder.ondataavailable = (e) => { if (e.data && e.data.size) this.parts.push(e.data); };
    this.recorder.start(250);
    this.startedAt = performance.now();
    try { // a live level meter; the recording does not depend on it
      this.audio = new AudioContext();
      const source = this.audio.createMediaStreamSource(this.stream);
      this.analyser = this.audio.createAnalyser();
      this.analyser.fftSize = 1024;
      source.connect(this.analyser);
    } catch { this.analyser = null; }
    const samples = new Float32Array(1024);
    this.timer = setInterval(() => {
      const elapsed = performance.now() - this.startedAt;
      if (this.analyser) {
        this.analyser.getFloatTimeDomainData(samples);
        let peak = 0;
        for (const v of samples) peak = Math.max(peak, Math.abs(v));
        this.levels.push(peak);
        this.onLevel(peak, this.levels);
      }
      this.onTick(elapsed);
      if (elapsed >= MAX_MS) this.onLimit();
    }, 100);
  }

  elapsed() { return this.startedAt ? performance.now() - this.startedAt : 0; }

  /** Stops and resolves {blob, contentType, durationMs, waveform}. */
  async stop() {
    const measured = this.elapsed();
    const stopped = new Promise((resolve) => { this.recorder.onstop = resolve; });
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    await stopped;
    this.release();
    const contentType = (this.recorder.mimeType || 'audio/webm').split(';')[0].trim();
    const blob = new Blob(this.parts, { type: contentType });
    let durationMs = Math.round(measured);
    let waveform;
    try {
      const decoded = await decode(blob);
      if (decoded.duration && Number.isFinite(decoded.duration)) durationMs = Math.round(decoded.duration * 1000);
      waveform = peaksOf(decoded);
    } catch {
      waveform = resample(this.levels, BARS); // the live meter's levels, when the browser cannot decode its own recording
    }
    return { blob, contentType, durationMs: Math.min(MAX_MS, Math.max(1, durationMs)), waveform: normalise(waveform) };
  }

  cancel() {
    if (this.recorder && this.recorder.state !== 'inactive') {
      this.recorder.onstop = null;
      this.recorder.stop();
    }
    this.release();
  }

  release() {
    clearInterval(this.timer);
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    if (this.audio) this.audio.close().catch(() => {});
    this.stream = null;
    this.audio = null;
  }
}

async function decode(blob) {
  const data = await blob.arrayBuffer();
  const ctx = new OfflineAudioContext(1, 1, 48000);
  return ctx.decodeAudioData(data);
}

/** The loudest sample of each of BARS slices of the first channel. */
function peaksOf(buffer) {
  const samples = buffer.getChannelData(0);
  const per = Math.max(1, Math.floor(samples.length / BARS));
  const peaks = [];
  for (let b = 0; b < BARS; b++) {
    let peak = 0;
    const end = Math.min(samples.length, (b + 1) * per);
    for (let i = b * per; i < end; i++) { const v = Math.abs(samples[i]); if (v > peak) peak = v; }
    peaks.push(peak);
  }
  return peaks;
}

function resample(levels, n) {
  if (!levels.length) return new Array(n).fill(0);
  const out = [];
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * levels.length) / n);
    const to = Math.max(from + 1, Math.floor(((b + 1) * levels.length) / n));
    out.push(Math.max(...levels.slice(from, to)));
  }
  return out;
}

/** 0..255 integers, the loudest peak at 255 (a quiet recording still shows its shape). */
function normalise(peaks) {
  const max = Math.max(...peaks, 0);
  return peaks.map((p) => (max > 0.001 ? Math.round((p / max) * 255) : 0));
}

/** The bars of a waveform; the first {@code played} fraction is coloured. */
export function waveformBars(peaks, cls = '') {
  const wave = el('div', { class: 'waveform ' + cls, 'aria-hidden': 'true' });
  for (const p of (peaks && peaks.length ? peaks : new Array(32).fill(0))) {
    const bar = el('span', { class: 'bar' });
    bar.style.setProperty('--h', String(Math.max(8, Math.round((Number(p) / 255) * 100))));
    wave.append(bar);
  }
  return wave;
}

function setPlayed(wave, fraction) {
  const bars = wave.children;
  const upTo = Math.round(fraction * bars.length);
  for (let i = 0; i < bars.length; i++) bars[i].classList.toggle('played', i < upTo);
}

/**
 * A voice message player: play/pause, the waveform as a seekable progress bar (a slider for
 * assistive technology and the keyboard), and the time played or the length.
 */
export function voicePlayer({ src, durationMs, waveform, label = 'Voice message' }) {
  const audio = el('audio', { preload: 'none', src });
  const total = () => (Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : (durationMs || 0) / 1000);
  const icon = svg(PLAY, 18);
  const button = el('button', { type: 'button', class: 'voice-play', 'aria-label': `Play ${label.toLowerCase()}` }, icon);
  const bars = waveformBars(waveform);
  const slider = el('div', {
    class: 'voice-track', role: 'slider', tabindex: '0', 'aria-label': `${label} position`, 'data-testid': 'voice-progress',
    'aria-valuemin': '0', 'aria-valuemax': String(Math.round(total())), 'aria-valuenow': '0',
    'aria-valuetext': `0:00 of ${clock(durationMs)}`,
  }, bars);
  const time = el('span', { class: 'voice-time' }, clock(durationMs));
  const show = () => {
    const t = audio.currentTime || 0;
    const fraction = total() ? Math.min(1, t / total()) : 0;
    setPlayed(bars, fraction);
    slider.setAttribute('aria-valuenow', String(Math.round(t)));
    slider.setAttribute('aria-valuetext', `${clock(t * 1000)} of ${clock(total() * 1000)}`);
    time.textContent = audio.paused && t === 0 ? clock(total() * 1000) : clock(t * 1000);
  };
  const setIcon = (playing) => {
    icon.querySelector('path').setAttribute('d', playing ? PAUSE : PLAY);
    button.setAttribute('aria-label', `${playing ? 'Pause' : 'Play'} ${label.toLowerCase()}`);
    player.classList.toggle('playing', playing);
  };
  button.addEventListener('click', () => {
    if (audio.paused) {
      // one voice message at a time
      document.querySelectorAll('.voice audio').forEach((other) => { if (other !== audio) other.pause(); });
      audio.play().catch(() => setIcon(false));
    } else audio.pause();
  });
  audio.addEventListener('play', () => setIcon(true));
  audio.addEventListener('pause', () => setIcon(false));
  audio.addEventListener('timeupdate', show);
  audio.addEventListener('ended', () => { setIcon(false); audio.currentTime = 0; show(); });
  const seek = (fraction) => {
    const t = Math.max(0, Math.min(1, fraction)) * total();
    if (Number.isFinite(t)) audio.currentTime = t;
    show();
  };
  slider.addEventListener('click', (e) => {
    const r = slider.getBoundingClientRect();
    seek((e.clientX - r.left) / r.width);
  });
  slider.addEventListener('keydown', (e) => {
    const step = total() ? 5 / total() : 0.1;
    const now = total() ? (audio.currentTime || 0) / total() : 0;
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp') { e.preventDefault(); seek(now + step); }
    if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') { e.preventDefault(); seek(now - step); }
    if (e.key === 'Home') { e.preventDefault(); seek(0); }
    if (e.key === 'End') { e.preventDefault(); seek(1); }
    if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); button.click(); }
  });
  const player = el('div', { class: 'voice', 'data-testid': 'voice' }, button, slider, time, audio);
  return player;
}
