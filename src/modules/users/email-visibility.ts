import type { User } from './user.js';

/** Who may see a user's email address besides the user: nobody, or every logged-in user (as the original service did). */
export const EMAIL_VISIBILITIES = ['nobody', 'everyone'] as const;
export type EmailVisibility = (typeof EMAIL_VISIBILITIES)[number];

/** Another user as the caller sees them: the email is null unless every user may see it. */
export interface VisibleUser {
  readonly id: number;
  readonly username: string;
  readonly email: string | null;
}

/** How other users are shown under `visibility`. A user's own email is never hidden from them, and never shown through this. */
export function showOtherUser(visibility: EmailVisibility): (user: User) => VisibleUser {
  return visibility === 'everyone'
    ? (user) => ({ id: user.id, username: user.username, email: user.email })
    : (user) => ({ id: user.id, username: user.username, email: null });
}

/** How the other member of a conversation is shown to `viewer`: as themselves in notes to oneself, whose address is their own. */
export function showPeer(visibility: EmailVisibility): (viewer: User, peer: User) => VisibleUser {
  const showOther = showOtherUser(visibility);
  return (viewer, peer) => (peer.id === viewer.id ? peer : showOther(peer));
}
