// Recording a voice message in the composer: record, stop, listen back, then send (into the
// outbox, like a file) or discard. The recorder and player themselves are features/voice.js.
import { $, el, clear } from '../ui.js';
import { VoiceRecorder, recordingSupported, voicePlayer, clock } from '../features/voice.js';
import { state } from '../model/state.js';
import { queueMessage } from '../sending.js';
import { notice } from './common.js';
import { input, cancelEdit } from './composer.js';

const recording = { recorder: null, result: null, url: null };

function showRecorder(mode) { // mode: 'recording' | 'review' | null
  $('composer').classList.toggle('recording', mode != null);
  $('recorder').hidden = mode == null;
  $('rec-dot').hidden = mode !== 'recording';
  $('rec-stop').hidden = mode !== 'recording';
  $('rec-send').hidden = mode !== 'review';
}

$('record').hidden = !recordingSupported();
$('record').addEventListener('click', async () => {
  if (!state.current || recording.recorder) return;
  cancelEdit();
  const body = $('rec-body');
  clear(body);
  const meter = el('div', { class: 'waveform live', 'aria-hidden': 'true' });
  body.append(meter);
  $('rec-time').textContent = '0:00';
  const recorder = new VoiceRecorder({
    onLevel: (level) => {
      const bar = el('span', { class: 'bar played' });
      bar.style.setProperty('--h', String(Math.max(8, Math.min(100, Math.round(level * 140)))));
      meter.append(bar);
      while (meter.childElementCount > 48) meter.firstElementChild.remove();
    },
    onTick: (ms) => { $('rec-time').textContent = clock(ms); },
    onLimit: () => stopRecording(),
  });
  recording.recorder = recorder;
  showRecorder('recording');
  $('rec-status').textContent = 'Recording';
  try {
    await recorder.start();
    $('rec-stop').focus();
  } catch (e) {
    recording.recorder = null;
    showRecorder(null);
    notice(e && e.name === 'NotAllowedError' ? 'The microphone is blocked for this site.' : 'No microphone is available.');
  }
});

async function stopRecording() {
  const recorder = recording.recorder;
  if (!recorder || recording.result) return;
  $('rec-stop').disabled = true;
  try {
    recording.result = await recorder.stop();
  } catch (e) {
    cancelRecording();
    notice('The recording failed.');
    return;
  } finally {
    $('rec-stop').disabled = false;
  }
  const r = recording.result;
  recording.url = URL.createObjectURL(r.blob);
  const body = $('rec-body');
  clear(body);
  body.append(voicePlayer({ src: recording.url, durationMs: r.durationMs, waveform: r.waveform, label: 'Recording' }));
  $('rec-time').textContent = '';
  showRecorder('review');
  $('rec-status').textContent = `Recorded ${clock(r.durationMs)}. Listen, then send or discard.`;
  $('rec-send').focus();
}

export function cancelRecording() {
  if (recording.recorder) recording.recorder.cancel();
  if (recording.url) URL.revokeObjectURL(recording.url);
  recording.recorder = null;
  recording.result = null;
  recording.url = null;
  clear($('rec-body'));
  showRecorder(null);
}

$('rec-stop').addEventListener('click', stopRecording);
$('rec-discard').addEventListener('click', () => { cancelRecording(); input.focus(); });
$('rec-send').addEventListener('click', () => {
  const r = recording.result;
  const id = state.current;
  if (!r || !id) return;
  const ext = r.contentType.includes('ogg') ? 'ogg' : r.contentType.includes('mp4') ? 'm4a' : 'webm';
  const name = `voice-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.${ext}`;
  cancelRecording();
  queueMessage(id, '', { blob: r.blob, name, size: r.blob.size, contentType: r.contentType,
    voice: { durationMs: r.durationMs, waveform: r.waveform }, id: null, view: null });
  input.focus();
});
