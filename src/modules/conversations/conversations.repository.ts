import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../db/schema.js';

export interface ConversationSummary {
  readonly id: number;
  readonly message_count: number;
}

/** Conversations are keyed by the ordered pair of their members' ids. */
export function orderedPair(a: number, b: number): [low: number, high: number] {
  return a <= b ? [a, b] : [b, a];
}

export function createConversationsRepository(db: Kysely<DatabaseSchema>) {
  return {
    findByMembers(a: number, b: number): Promise<ConversationSummary | undefined> {
      const [low, high] = orderedPair(a, b);
      return db.selectFrom('conversations').select(['id', 'message_count'])
        .where('user_low_id', '=', low).where('user_high_id', '=', high)
        .executeTakeFirst();
    },

    /** How many messages the user has sent or received, from the kept counters. */
    async countMessagesOf(userId: number): Promise<number> {
      const row = await db.selectFrom('conversation_members')
        .innerJoin('conversations', 'conversations.id', 'conversation_members.conversation_id')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('conversations.message_count'), eb.lit(0)).as('total'))
        .where('conversation_members.user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.total);
    },
  };
}

export type ConversationsRepository = ReturnType<typeof createConversationsRepository>;
