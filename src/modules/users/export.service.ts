import type { ConversationsRepository } from '../conversations/conversations.repository.js';
import { presentMessage } from '../messages/message.js';
import type { MessagesRepository } from '../messages/messages.repository.js';
import { type EmailVisibility, showPeer } from './email-visibility.js';
import type { User } from './user.js';

/** Conversations, and then messages, read per query: what the export holds in memory at once. */
const EXPORT_BATCH = 500;

/**
 * A user's data as NDJSON lines: their profile, then each conversation (in the order they began) followed
 * by its messages, oldest first, each as the user sees it in the API. Read in keyset batches, conversations
 * by id and messages from the conversation index, and produced as the reader asks for lines, so that memory
 * does not grow with the history however long it is, and a conversation that moves in the inbox meanwhile
 * is not skipped.
 */
export function createExportService(deps: {
  conversations: Pick<ConversationsRepository, 'entriesAfter'>;
  messages: Pick<MessagesRepository, 'sliceFrom'>;
  emailVisibility: EmailVisibility;
}) {
  const peerShownTo = showPeer(deps.emailVisibility);
  return {
    async* lines(user: User): AsyncGenerator<string> {
      yield `${JSON.stringify({ type: 'profile', user: { id: user.id, username: user.username, email: user.email } })}\n`;
      let after = 0;
      for (;;) {
        const entries = await deps.conversations.entriesAfter(user, after, EXPORT_BATCH);
        if (entries.length === 0) break;
        for (const entry of entries) {
          const peer = peerShownTo(user, entry.peer);
          yield `${JSON.stringify({
            type: 'conversation', id: entry.id, peer, message_count: entry.messageCount,
            unread_count: entry.unreadCount, last_read_id: entry.lastReadId,
          })}\n`;
          const members = [user, { id: entry.peer.id, username: entry.peer.username, email: '' }] as const;
          let from = 1;
          for (;;) {
            const { rows, more } = await deps.messages.sliceFrom(entry.id, members, from, EXPORT_BATCH);
            let chunk = '';
            for (const message of rows) chunk += `${JSON.stringify({ type: 'message', ...presentMessage(message, user.id) })}\n`;
            if (chunk !== '') yield chunk;
            if (!more || rows.length === 0) break;
            from = rows[rows.length - 1].id + 1;
          }
        }
        after = entries[entries.length - 1].id;
      }
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
