import { fieldError, notFound } from '../../errors.js';
import type { EventSink } from '../../realtime/events.js';
import type { ConversationReadEvent } from './conversation-events.js';
import type { BlocksService } from '../blocks/blocks.service.js';
import { type EmailVisibility, showPeer, type VisibleUser } from '../users/email-visibility.js';
import type { User } from '../users/user.js';
import type { ConversationsRepository, InboxEntry, ReadState } from './conversations.repository.js';

/** An inbox entry as its reader sees it: the peer's email shown as EMAIL_VISIBILITY says. */
export type VisibleInboxEntry = Omit<InboxEntry, 'peer'> & { peer: VisibleUser };

export interface InboxPage {
  entries: VisibleInboxEntry[];
  /** The cursor for the next page (`?before=`), or null on the last one. */
  nextBefore: number | null;
}

const noSuchMessage = () => fieldError('up_to', 'There is no message with this id in this conversation.');

export function createConversationsService(deps: {
  conversations: ConversationsRepository;
  blocks: Pick<BlocksService, 'mayMessage'>;
  events: EventSink;
  emailVisibility: EmailVisibility;
}) {
  const peerShownTo = showPeer(deps.emailVisibility);
  return {
    /** The caller's conversations, latest activity first. */
    async inbox(caller: User, before: number | null, limit: number): Promise<InboxPage> {
      const { entries, more } = await deps.conversations.inboxPage(caller, before, limit);
      return {
        entries: entries.map((entry) => ({ ...entry, peer: peerShownTo(caller, entry.peer) })),
        nextBefore: more ? entries[entries.length - 1].lastMessage.id : null,
      };
    },

    /** Marks the conversation with `peer` read up to a message of that conversation; marks only move forward. */
    async markRead(caller: User, peer: string, upTo: number): Promise<ReadState & { conversationId: number }> {
      const found = await deps.conversations.findPeer(caller.id, peer);
      if (!found?.conversation) throw notFound();
      const { peer: other, conversation } = found;
      if (!(await deps.conversations.containsMessage(conversation.id, upTo))) throw noSuchMessage();
      const { moved, ...state } = await deps.conversations.markRead(conversation.id, caller.id, other.id, upTo);
      if (moved) {
        // The reader's other devices update their badge, and the peer sees a read receipt, unless the peer
        // blocked the reader: then the reader's activity is none of the peer's business.
        const peerHears = other.id !== caller.id && await deps.blocks.mayMessage(caller, other);
        const event: ConversationReadEvent = {
          type: 'conversation.read', conversation: conversation.id, reader: caller.id, reader_username: caller.username,
          last_read_id: state.lastReadId, unread_count: state.unreadCount,
        };
        deps.events.publish(peerHears ? [caller.id, other.id] : [caller.id], event);
      }
      return { ...state, conversationId: conversation.id };
    },
  };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
