import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type ConnectionState, connectRealtime, type paths, type Realtime, type RealtimeEvent, unwrap } from '../client/index.js';
import type { Me } from './app.js';
import { Conversation } from './conversation.js';
import { client, describeError } from './session.js';

export type InboxEntry = paths['/conversations/']['get']['responses'][200]['content']['application/json']['results'][number];
type ListedUser = paths['/users-list/']['get']['responses'][200]['content']['application/json']['results'][number];

/** What an open conversation is told by the messenger. */
export type EventListener = (event: RealtimeEvent) => void;

/** How long "typing…" shows after the last notice. */
const TYPING_SHOWN_MS = 5000;

/** The inbox, the user search and the open conversation, over one live connection. */
export function Messenger({ me, onLoggedOut }: { me: Me; onLoggedOut: () => void }) {
  const [entries, setEntries] = useState<InboxEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [peer, setPeer] = useState<string | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [wasLive, setWasLive] = useState(false);
  const [typing, setTyping] = useState<Record<string, number>>({});
  const [error, setError] = useState<string | null>(null);
  const listeners = useRef(new Set<EventListener>());
  const realtime = useRef<Realtime | null>(null);

  const loadInbox = useCallback(async () => {
    try {
      const page = unwrap(await client.api.GET('/conversations/'));
      setEntries(page.results);
      setNext(page.next);
    } catch (failure) {
      setError(describeError(failure));
    }
  }, []);

  async function loadMore() {
    if (next === null) return;
    const before = new URL(next).searchParams.get('before');
    const page = unwrap(await client.api.GET('/conversations/', { params: { query: { before: Number(before) } } }));
    setEntries((shown) => [...shown, ...page.results.filter((entry) => !shown.some((known) => known.id === entry.id))]);
    setNext(page.next);
  }

  useEffect(() => {
    void loadInbox();
    const connected = connectRealtime({
      baseUrl: window.location.origin, client, me: me.username,
      onStateChange: (state) => {
        setConnection(state);
        if (state === 'live') setWasLive(true);
      },
      onCaughtUp: () => void loadInbox(),
      onEvent: (event) => {
        if (event.type === 'typing') setTyping((now) => ({ ...now, [event.from_username]: Date.now() + TYPING_SHOWN_MS }));
        if (event.type.startsWith('message.') || event.type === 'conversation.read') void loadInbox();
        for (const listener of listeners.current) listener(event);
      },
    });
    realtime.current = connected;
    return () => connected.close();
  }, [me.username, loadInbox]);

  // Typing notices expire on their own.
  useEffect(() => {
    const timer = setInterval(() => setTyping((now) => {
      const live = Object.entries(now).filter(([, until]) => until > Date.now());
      return live.length === Object.keys(now).length ? now : Object.fromEntries(live);
    }), 1000);
    return () => clearInterval(timer);
  }, []);

  async function logOut() {
    realtime.current?.close();
    await client.logout().catch(() => {});
    onLoggedOut();
  }

  const listen = useCallback((listener: EventListener) => {
    listeners.current.add(listener);
    return () => { listeners.current.delete(listener); };
  }, []);

  return (
    <div class={`messenger${peer === null ? '' : ' has-conversation'}`}>
      <header class="top-bar">
        <span class="me">Signed in as <strong>{me.username}</strong></span>
        <button type="button" onClick={logOut}>Log out</button>
      </header>
      {wasLive && connection !== 'live' && (
        <p class="banner" role="status">Connection lost. Reconnecting…</p>
      )}
      {error && <p class="banner error" role="alert">{error}</p>}
      <div class="panes">
      <aside class="sidebar">
        <UserSearch onChoose={setPeer} />
        <h2 id="conversations-title">Conversations</h2>
        <ul class="conversations" aria-label="Conversations">
          {entries.map((entry) => (
            <li key={entry.id}>
              <button type="button" class={entry.peer.username === peer ? 'conversation current' : 'conversation'}
                aria-current={entry.peer.username === peer ? 'true' : undefined} onClick={() => setPeer(entry.peer.username)}>
                <span class="peer">{entry.peer.username}</span>
                <span class="preview">{entry.last_message.deleted ? 'Message deleted' : entry.last_message.content}</span>
                {entry.unread_count > 0 && <span class="badge">{entry.unread_count} unread</span>}
              </button>
            </li>
          ))}
        </ul>
        {entries.length === 0 && <p class="empty">No conversations yet: search for someone to write to.</p>}
        {next !== null && <MoreWhenSeen onSeen={loadMore} />}
      </aside>
      <section class="pane">
        {peer === null
          ? <p class="empty">Choose a conversation, or search for someone to write to.</p>
          : <Conversation key={peer} me={me} peer={peer} realtime={realtime.current} listen={listen}
            typing={(typing[peer] ?? 0) > Date.now()} onBack={() => setPeer(null)} onRead={() => void loadInbox()} />}
      </section>
      </div>
    </div>
  );
}

/**
 * "More conversations": loads the next page when it scrolls into view, and when pressed (for keyboards
 * and for lists too short to scroll).
 */
function MoreWhenSeen({ onSeen }: { onSeen: () => Promise<void> }) {
  const button = useRef<HTMLButtonElement>(null);
  const loading = useRef(false);
  const load = useCallback(async () => {
    if (loading.current) return;
    loading.current = true;
    try {
      await onSeen();
    } finally {
      loading.current = false;
    }
  }, [onSeen]);
  useEffect(() => {
    const element = button.current;
    if (!element) return;
    const observer = new IntersectionObserver((seen) => { if (seen.some((entry) => entry.isIntersecting)) void load(); });
    observer.observe(element);
    return () => observer.disconnect();
  }, [load]);
  return <button type="button" class="more" ref={button} onClick={() => void load()}>More conversations</button>;
}

/** Finds users by the start of their username; choosing one opens the conversation with them. */
function UserSearch({ onChoose }: { onChoose: (username: string) => void }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<ListedUser[]>([]);
  useEffect(() => {
    if (query.trim() === '') {
      setFound([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      void client.api.GET('/users-list/', { params: { query: { search: query.trim() } } }).then((answer) => {
        if (current && answer.response.ok) setFound(answer.data!.results);
      });
    }, 200);
    return () => { current = false; clearTimeout(timer); };
  }, [query]);
  return (
    <div class="search">
      <label for="user-search">Search users</label>
      <input id="user-search" type="search" value={query} autocomplete="off"
        onInput={(event) => setQuery((event.currentTarget as HTMLInputElement).value)} />
      {found.length > 0 && (
        <ul class="search-results" aria-label="Users found">
          {found.map((user) => (
            <li key={user.id}>
              <button type="button" onClick={() => { onChoose(user.username); setQuery(''); }}>{user.username}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
