import { Type } from 'typebox';
import { NO_NUL } from '../../http/common.schemas.js';
import { INVALID_USERNAME, USERNAME_MAX_LENGTH, USERNAME_PATTERN } from '../users/user.js';
import { UserSchema } from '../users/users.schemas.js';

export const Username = Type.String({
  minLength: 1,
  maxLength: USERNAME_MAX_LENGTH,
  pattern: USERNAME_PATTERN,
  'x-error': INVALID_USERNAME,
  description: '1 to 150 letters, digits and . + - _ ; unique ignoring case.',
  examples: ['alice'],
});

export const Email = Type.String({ minLength: 1, format: 'email', maxLength: 254, description: 'Unique ignoring case.', examples: ['alice@example.com'] });

export const RegisterBody = Type.Object({
  username: Username,
  email: Email,
  password: Type.String({ minLength: 1, ...NO_NUL, description: '8 to 256 characters, not entirely numeric, not the username or email.', examples: ['correct horse battery staple'] }),
}, { title: 'Registration' });

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 254, ...NO_NUL, description: 'The username or the email address.', examples: ['alice'] }),
  password: Type.String({ minLength: 1, ...NO_NUL, examples: ['correct horse battery staple'] }),
}, { title: 'Credentials' });

export const LoginResponse = Type.Object({
  detail: Type.String(),
  csrf_token: Type.String({ description: 'Send it back as the X-CSRFToken header on POST, PUT, PATCH and DELETE.' }),
  user: UserSchema,
}, {
  title: 'LoginResult',
  examples: [{ detail: 'Logged in.', csrf_token: 'kY2iXn0Ogs6qbJ7eWOaWHqiQYfSlDGRsnWN4jJ0vQLZYoDJSKbvx5LAqwW7kgJlh', user: { id: 1, username: 'alice', email: 'alice@example.com' } }],
});
