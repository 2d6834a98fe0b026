import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Message, type Realtime, type RealtimeEvent, unwrap } from '../client/index.js';
import type { Me } from './app.js';
import { client, describeError } from './session.js';

const PAGE = 30;
/** A typing notice goes out at most this often while the user types. */
const TYPING_EVERY_MS = 3000;

interface Props {
  me: Me;
  peer: string;
  realtime: Realtime | null;
  listen: (listener: (event: RealtimeEvent) => void) => () => void;
  typing: boolean;
  onBack: () => void;
  onRead: () => void;
}

/** Messages in id order, each once, the newer version of a message winning. */
function merged(shown: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map(shown.map((message) => [message.id, message]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** One conversation: its history, older pages as you scroll up, new messages live, and the message box. */
export function Conversation({ me, peer, realtime, listen, typing, onBack, onRead }: Props) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [conversation, setConversation] = useState<number | null>(null);
  const [blocked, setBlocked] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState<{ id: number; text: string } | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const stickToBottom = useRef(true);
  const lastTyping = useRef(0);
  const markedUpTo = useRef(0);

  // The newest page first, then live events.
  useEffect(() => {
    let current = true;
    void (async () => {
      try {
        const page = unwrap(await client.api.GET('/list-messages/{recipient}/', { params: { path: { recipient: peer }, query: { page: 'last', page_size: String(PAGE) } } }));
        if (!current || !('count' in page)) return;
        setMessages(page.results);
        setHasOlder(page.previous !== null);
        if (page.results.length > 0) {
          setConversation(page.results[0].conversation);
          realtime?.follow(page.results[0].conversation, peer, page.results[page.results.length - 1].id);
        }
        const blocks = unwrap(await client.api.GET('/blocks/', { params: { query: { page_size: '100' } } }));
        if (current) setBlocked(blocks.results.some((block) => block.user.username === peer));
      } catch (failure) {
        if (current) setError(describeError(failure));
      }
    })();
    return () => { current = false; };
  }, [peer, realtime]);

  useEffect(() => listen((event) => {
    if (!('message' in event)) return;
    const { message } = event;
    const other = message.sender_username === me.username ? message.recipient_username : message.sender_username;
    if (other !== peer) return;
    setConversation(message.conversation);
    setMessages((shown) => merged(shown, [message]));
  }), [listen, me.username, peer]);

  // Read marks go out while the conversation is on screen and the page is visible.
  useEffect(() => {
    const newest = [...messages].reverse().find((message) => message.sender_username !== me.username);
    if (!newest || newest.id <= markedUpTo.current || document.visibilityState !== 'visible') return;
    markedUpTo.current = newest.id;
    void client.api.POST('/conversations/{user}/read/', { params: { path: { user: peer } }, body: { up_to: newest.id } }).then(() => onRead());
  }, [messages, me.username, peer, onRead]);

  // New messages keep the list scrolled to the bottom, unless the reader scrolled up.
  useLayoutEffect(() => {
    const element = list.current;
    if (element && stickToBottom.current) element.scrollTop = element.scrollHeight;
  }, [messages]);

  async function loadOlder() {
    if (!hasOlder || messages.length === 0) return;
    const element = list.current;
    const fromBottom = element ? element.scrollHeight - element.scrollTop : 0;
    const slice = unwrap(await client.api.GET('/list-messages/{recipient}/', {
      params: { path: { recipient: peer }, query: { before: messages[0].id, limit: PAGE } },
    }));
    if (!('has_older' in slice)) return;
    stickToBottom.current = false;
    setMessages((shown) => merged(shown, slice.results));
    setHasOlder(slice.has_older);
    // Keep what the reader was looking at in place.
    requestAnimationFrame(() => { if (element) element.scrollTop = element.scrollHeight - fromBottom; });
  }

  function onScroll() {
    const element = list.current;
    if (!element) return;
    stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
    if (element.scrollTop < 40) void loadOlder();
  }

  async function send() {
    const content = draft;
    if (content.trim() === '') return;
    setSendError(null);
    try {
      const sent = unwrap(await client.api.POST('/messages/', { body: { recipient: peer, content, client_id: crypto.randomUUID() } }));
      setDraft('');
      stickToBottom.current = true;
      setConversation(sent.conversation);
      setMessages((shown) => merged(shown, [sent]));
    } catch (failure) {
      setSendError(failure instanceof ApiError ? failure.message.replace(/^content: /, '') : describeError(failure));
    }
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  function onInput(event: Event) {
    setDraft((event.currentTarget as HTMLTextAreaElement).value);
    if (conversation !== null && Date.now() - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = Date.now();
      realtime?.typing(peer);
    }
  }

  async function saveEdit() {
    if (!editing) return;
    try {
      const edited = unwrap(await client.api.PATCH('/messages/{id}/', { params: { path: { id: String(editing.id) } }, body: { content: editing.text } }));
      setMessages((shown) => merged(shown, [edited]));
      setEditing(null);
    } catch (failure) {
      setError(describeError(failure));
    }
  }

  async function remove(id: number) {
    try {
      unwrap(await client.api.DELETE('/messages/{id}/', { params: { path: { id: String(id) } } }));
      const deleted = unwrap(await client.api.GET('/messages/{id}/', { params: { path: { id: String(id) } } }));
      setMessages((shown) => merged(shown, [deleted]));
    } catch (failure) {
      setError(describeError(failure));
    }
  }

  async function toggleBlock() {
    try {
      if (blocked) unwrap(await client.api.DELETE('/blocks/{user}/', { params: { path: { user: peer } } }));
      else unwrap(await client.api.POST('/blocks/', { body: { user: peer } }));
      setBlocked(!blocked);
    } catch (failure) {
      setError(describeError(failure));
    }
  }

  return (
    <div class="conversation-view">
      <header class="conversation-header">
        <button type="button" class="back" onClick={onBack}>Back</button>
        <h2>{peer}</h2>
        <button type="button" onClick={() => void toggleBlock()}>{blocked ? 'Unblock' : 'Block'}</button>
      </header>
      {error && <p class="banner error" role="alert">{error}</p>}
      <ol class="messages" aria-label="Messages" ref={list} onScroll={onScroll} tabIndex={0}>
        {hasOlder && <li class="older"><button type="button" onClick={() => void loadOlder()}>Load older messages</button></li>}
        {messages.map((message) => {
          const mine = message.sender_username === me.username;
          return (
            <li key={message.id} class={mine ? 'message mine' : 'message'}>
              <span class="author">{message.sender_username}</span>
              {editing?.id === message.id ? (
                <span class="edit">
                  <label for={`edit-${message.id}`} class="visually-hidden">Edit message</label>
                  <textarea id={`edit-${message.id}`} value={editing.text}
                    onInput={(event) => setEditing({ id: message.id, text: (event.currentTarget as HTMLTextAreaElement).value })} />
                  <button type="button" onClick={() => void saveEdit()}>Save</button>
                  <button type="button" onClick={() => setEditing(null)}>Cancel</button>
                </span>
              ) : message.deleted ? (
                <span class="content deleted">Message deleted</span>
              ) : (
                <span class="content">{message.content}</span>
              )}
              <span class="meta">
                <time dateTime={message.timestamp}>{new Date(message.timestamp).toLocaleTimeString()}</time>
                {message.edited_at && !message.deleted && ' · edited'}
              </span>
              {mine && !message.deleted && editing?.id !== message.id && (
                <span class="actions">
                  <button type="button" aria-label="Edit message" onClick={() => setEditing({ id: message.id, text: message.content })}>Edit</button>
                  <button type="button" aria-label="Delete message" onClick={() => void remove(message.id)}>Delete</button>
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <p class="typing" aria-live="polite">{typing ? `${peer} is typing…` : ''}</p>
      <form class="composer" onSubmit={(event) => { event.preventDefault(); void send(); }}>
        <label for="message-box" class="visually-hidden">Message</label>
        <textarea id="message-box" value={draft} onInput={onInput} onKeyDown={onKeyDown} rows={2}
          placeholder={`Message ${peer}`} aria-describedby={sendError ? 'send-error' : undefined} />
        <button type="submit">Send</button>
        {sendError && <p id="send-error" class="field-errors" role="alert">{sendError}</p>}
      </form>
    </div>
  );
}
