import { Type } from 'typebox';
import { PageOf } from '../../http/common.schemas.js';
import { UserSchema } from '../users/users.schemas.js';

export { LoginBody as TokenCredentials } from '../auth/auth.schemas.js';

const TokenId = Type.String({ description: 'Names the token in `GET /tokens/` and `DELETE /tokens/<id>/`; it is not the token.' });

export const IssuedTokenSchema = Type.Object({
  token: Type.String({
    description: 'Send it as `Authorization: Token <token>` (or `Bearer <token>`). It is shown only once: '
      + 'the service keeps a hash of it.',
  }),
  id: TokenId,
  user: UserSchema,
  created_at: Type.String({ format: 'date-time' }),
}, {
  title: 'ApiToken',
  examples: [{
    token: 'hN3yW0c1m0q8Yb2a7wq3xJX3Jb9sA4u3QnqgWZl0a8E',
    id: 'Xq2v9LmT0aBc4dEf',
    user: { id: 1, username: 'alice', email: 'alice@example.com' },
    created_at: '2026-11-25T16:27:37.552Z',
  }],
});

export const TokenSchema = Type.Object({
  id: TokenId,
  created_at: Type.String({ format: 'date-time' }),
  current: Type.Boolean({ description: 'Whether this request was made with it.' }),
}, { title: 'ApiTokenEntry', examples: [{ id: 'Xq2v9LmT0aBc4dEf', created_at: '2026-11-25T16:27:37.552Z', current: true }] });

export const TokensPage = PageOf(TokenSchema, 'ApiTokensPage');

export const TokenIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
