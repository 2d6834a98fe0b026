import { useEffect, useState } from 'preact/hooks';
import type { paths } from '../client/index.js';
import { Messenger } from './messenger.js';
import { client } from './session.js';
import { SignIn } from './sign-in.js';

export type Me = paths['/me/']['get']['responses'][200]['content']['application/json'];

/** Signed in or not: the sign-in screen, or the messenger. */
export function App() {
  // undefined while the page asks whether its session is live.
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    void client.api.GET('/me/').then((answer) => setMe(answer.response.ok ? answer.data! : null), () => setMe(null));
  }, []);
  if (me === undefined) return <p class="loading">Loading…</p>;
  if (me === null) return <SignIn onSignedIn={setMe} />;
  return <Messenger me={me} onLoggedOut={() => setMe(null)} />;
}
