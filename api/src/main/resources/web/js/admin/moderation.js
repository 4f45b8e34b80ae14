// The moderation tab: delete one message of any conversation, by its conversation and seq, with a
// reason; everyone in the conversation sees it deleted.
import { $ } from '../ui.js';
import { admin } from './api.js';
import { say, run, requireText } from './page.js';

async function deleteMessage(e) {
  e.preventDefault();
  const id = $('mod-conversation').value.trim();
  const seq = Number($('mod-seq').value);
  const reason = $('mod-reason').value.trim();
  await run($('mod-submit'), async () => {
    const tombstone = await admin.deleteMessage(id, seq, reason);
    $('mod-reason').value = '';
    say(`Message #${tombstone?.seq ?? seq} deleted`);
  });
}

export function wireModeration() {
  $('moderation-form').addEventListener('submit', deleteMessage);
  $('mod-submit').addEventListener('click', () => requireText($('mod-reason'), 'Please give a reason.'));
}
