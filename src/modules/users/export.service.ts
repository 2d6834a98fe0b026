import type { ConversationsService } from '../conversations/conversations.service.js';
import { presentMessage } from '../messages/message.js';
import type { MessagesRepository } from '../messages/messages.repository.js';
import type { User } from './user.js';

/** Conversations, and then messages, read per query: what the export holds in memory at once. */
const EXPORT_BATCH = 500;

/**
 * A user's data as NDJSON lines: their profile, then each conversation (latest activity first) followed by
 * its messages, oldest first, each as the user sees it in the API. Read in keyset batches from the inbox
 * and conversation indexes and produced as the reader asks for lines, so that memory does not grow with
 * the history however long it is.
 */
export function createExportService(deps: {
  conversations: Pick<ConversationsService, 'inbox'>;
  messages: Pick<MessagesRepository, 'sliceFrom'>;
}) {
  return {
    async* lines(user: User): AsyncGenerator<string> {
      yield `${JSON.stringify({ type: 'profile', user: { id: user.id, username: user.username, email: user.email } })}\n`;
      let before: number | null = null;
      do {
        const page = await deps.conversations.inbox(user, before, EXPORT_BATCH);
        for (const entry of page.entries) {
          yield `${JSON.stringify({
            type: 'conversation', id: entry.id, peer: entry.peer, message_count: entry.messageCount,
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
        before = page.nextBefore;
      } while (before !== null);
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
