import { type CounterStore, type Limit, windowsOf } from '../../rate-limit/counter-store.js';
import type { EventSink } from '../../realtime/events.js';
import type { TypingEvent } from './conversation-events.js';
import type { BlocksService } from '../blocks/blocks.service.js';
import type { User } from '../users/user.js';
import type { ConversationsRepository } from './conversations.repository.js';

/**
 * A burst of ten typing notices, and about one a second after it: a client showing "typing…" sends one
 * every few seconds. Counted per user in the counter store, so across all of the user's sockets and,
 * with Redis, across instances, however often the sockets are closed and opened again.
 */
const TYPING: readonly Limit[] = [
  { name: 'typing-10s', limit: 10, windowMs: 10_000 },
  { name: 'typing-1m', limit: 60, windowMs: 60_000 },
];

/** Why a typing notice was refused, as the error frame says it. */
export const TYPING_REFUSALS = {
  throttled: 'Too many typing signals; slow down.',
  noSuchUser: 'No user with this username or email.',
  noConversation: 'Typing notices go only to someone you have a conversation with.',
} as const;
export type TypingRefusal = (typeof TYPING_REFUSALS)[keyof typeof TYPING_REFUSALS];

export function createTypingService(deps: {
  conversations: Pick<ConversationsRepository, 'findPeer'>;
  blocks: Pick<BlocksService, 'mayMessage'>;
  counters: CounterStore;
  events: EventSink;
}) {
  return {
    /**
     * Tells `to` (a username or email) that `sender` is typing; answers why not when it is refused. Only
     * someone the sender has a conversation with hears it, and nobody who blocked the sender or whom the
     * sender blocked; a block is not told to the sender, whose notice is dropped as if it were sent.
     */
    async typing(sender: User, to: string): Promise<TypingRefusal | null> {
      if (await deps.counters.consume(windowsOf(TYPING, `user:${sender.id}`)) > 0) return TYPING_REFUSALS.throttled;
      const found = await deps.conversations.findPeer(sender.id, to);
      if (!found) return TYPING_REFUSALS.noSuchUser;
      const { peer, conversation } = found;
      if (!conversation) return TYPING_REFUSALS.noConversation;
      // mayMessage both ways: neither has blocked the other (always true for notes to oneself).
      const [peerAllows, senderAllows] = await Promise.all([deps.blocks.mayMessage(sender, peer), deps.blocks.mayMessage(peer, sender)]);
      if (!peerAllows || !senderAllows) return null;
      const event: TypingEvent = { type: 'typing', conversation: conversation.id, from: sender.id, from_username: sender.username };
      deps.events.publish([peer.id], event);
      return null;
    },
  };
}

export type TypingService = ReturnType<typeof createTypingService>;
