import { fieldError, notFound, recipientNotFound } from '../../errors.js';
import { type Page, type PageRequest, pageWindow } from '../../http/pagination.js';
import type { ConversationsRepository } from '../conversations/conversations.repository.js';
import type { User } from '../users/user.js';
import type { UsersRepository } from '../users/users.repository.js';
import type { MessageRecord } from './message.js';
import type { InsertResult, MessagesRepository } from './messages.repository.js';

export interface SendMessageInput {
  recipient: string;
  content: string;
  clientId?: string;
}

export function createMessagesService(deps: {
  messages: MessagesRepository;
  conversations: ConversationsRepository;
  users: UsersRepository;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  return {
    async send(sender: User, input: SendMessageInput): Promise<InsertResult> {
      if (input.content.trim() === '') throw fieldError('content', 'This field may not be blank.');
      const recipient = await deps.users.findActiveByIdentifier(input.recipient.trim());
      if (!recipient) throw recipientNotFound();
      return deps.messages.insert({
        sender, recipient, content: input.content, clientId: input.clientId ?? null, at: now(),
      });
    },

    /** One message, to its sender or recipient only; to anyone else it does not exist. */
    async get(caller: User, id: number): Promise<MessageRecord> {
      const message = await deps.messages.findById(id);
      if (!message || (message.sender_id !== caller.id && message.recipient_id !== caller.id)) throw notFound();
      return message;
    },

    /** Everything the caller sent or received, oldest first. */
    async listOwn(caller: User, request: PageRequest): Promise<Page<MessageRecord>> {
      const count = await deps.conversations.countMessagesOf(caller.id);
      const window = pageWindow(request, count);
      const results = count === 0 ? [] : await deps.messages.pageOfUser(caller.id, window.offset, window.limit);
      return { count, number: window.number, pages: window.pages, results };
    },

    /** The conversation between the caller and `peer` (a username or email), oldest first. */
    async conversationPage(caller: User, peer: string, request: PageRequest): Promise<Page<MessageRecord>> {
      const other = await deps.users.findActiveByIdentifier(peer);
      if (!other) throw notFound();
      const conversation = await deps.conversations.findByMembers(caller.id, other.id);
      const count = conversation?.message_count ?? 0;
      const window = pageWindow(request, count);
      const results = conversation && count > 0
        ? await deps.messages.pageOfConversation(conversation.id, window.offset, window.limit, count)
        : [];
      return { count, number: window.number, pages: window.pages, results };
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
