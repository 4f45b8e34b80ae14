// What each part named to repaint() draws: the batching itself is ../repaint.js.
import { createRepaint } from '../repaint.js';
import { state } from '../model/state.js';
import { renderInbox } from './inbox.js';
import { renderConversation, renderHeader, renderTyping } from './conversation.js';
import { renderMessages } from './messages.js';

const scheduled = createRepaint((parts) => {
  if (parts.has('inbox')) renderInbox();
  if (!state.current) return;
  if (parts.has('conversation')) { renderConversation(); return; }
  if (parts.has('header')) renderHeader();
  if (parts.has('messages')) renderMessages();
  if (parts.has('typing')) renderTyping();
});

/** Marks parts of the page to draw again: 'inbox', 'conversation', 'header', 'messages', 'typing' (false: none). */
export function repaint(...parts) {
  scheduled(...parts);
}
