// The announce tab: a line of text shown at once to everyone online.
import { $ } from '../ui.js';
import { admin } from './api.js';
import { say, run, requireText } from './page.js';

function countAnnouncement() {
  const text = $('announce-text');
  $('announce-count').textContent = `${text.value.length} / ${text.maxLength}`;
}

async function sendAnnouncement(e) {
  e.preventDefault();
  await run($('announce-send'), async () => {
    await admin.announce($('announce-text').value.trim());
    $('announce-text').value = '';
    countAnnouncement();
    say('Announcement sent to everyone online');
  });
}

export function wireAnnounce() {
  $('announce-form').addEventListener('submit', sendAnnouncement);
  $('announce-text').addEventListener('input', countAnnouncement);
  $('announce-send').addEventListener('click', () => requireText($('announce-text'), 'Write the announcement first.'));
}
