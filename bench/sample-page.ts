import { contentOf } from './fill-plan.js';

/** The history page the framework floor answers: ten messages, shaped as the service answers them, with the filled database's texts. */
export function samplePage() {
  return {
    count: 10_000,
    next: 'http://127.0.0.1:41234/list-messages/user2/?page_size=10&page=2',
    previous: null,
    results: Array.from({ length: 10 }, (_, i) => ({
      id: 10 * (i + 1),
      sender: 1 + (i % 2),
      recipient: 2 - (i % 2),
      sender_username: i % 2 === 0 ? 'user1' : 'user2',
      recipient_username: i % 2 === 0 ? 'user2' : 'user1',
      content: contentOf(10 * (i + 1)),
      timestamp: new Date(1_795_933_741_348 + i * 10_000).toISOString(),
      edited_at: null,
      client_id: null,
      deleted: false,
      conversation: 10,
    })),
  };
}
