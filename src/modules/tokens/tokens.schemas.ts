import { Type } from 'typebox';
import { UserSchema } from '../users/users.schemas.js';

export { LoginBody as TokenCredentials } from '../auth/auth.schemas.js';

export const IssuedTokenSchema = Type.Object({
  token: Type.String({
    description: 'Send it as `Authorization: Token <token>` (or `Bearer <token>`). It is shown only once: '
      + 'the service keeps a hash of it.',
  }),
  user: UserSchema,
  created_at: Type.String({ format: 'date-time' }),
}, {
  title: 'ApiToken',
  examples: [{
    token: 'hN3yW0c1m0q8Yb2a7wq3xJX3Jb9sA4u3QnqgWZl0a8E',
    user: { id: 1, username: 'alice', email: 'alice@example.com' },
    created_at: '2026-11-25T16:27:37.552Z',
  }],
});
