import { Type } from 'typebox';
import { UserSchema } from '../users/users.schemas.js';

export const Username = Type.String({
  minLength: 1,
  maxLength: 150,
  pattern: '^[\\p{L}\\p{N}\\p{M}._+-]+$',
  'x-error': 'Enter a valid username. This value may contain only letters, numbers, and ./+/-/_ characters.',
  description: '1 to 150 letters, digits and . + - _ ; unique ignoring case.',
  examples: ['alice'],
});

export const Email = Type.String({ minLength: 1, format: 'email', maxLength: 254, description: 'Unique ignoring case.', examples: ['alice@example.com'] });

export const RegisterBody = Type.Object({
  username: Username,
  email: Email,
  password: Type.String({ minLength: 1, description: '8 to 256 characters, not entirely numeric, not the username or email.', examples: ['correct horse battery staple'] }),
}, { title: 'Registration' });

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 254, description: 'The username or the email address.', examples: ['alice'] }),
  password: Type.String({ minLength: 1, examples: ['correct horse battery staple'] }),
}, { title: 'Credentials' });

export const LoginResponse = Type.Object({
  detail: Type.String(),
  csrf_token: Type.String({ description: 'Send it back as the X-CSRFToken header on POST, PUT, PATCH and DELETE.' }),
  user: UserSchema,
}, {
  title: 'LoginResult',
  examples: [{ detail: 'Logged in.', csrf_token: 'kY2iXn0Ogs6qbJ7eWOaWHqiQYfSlDGRsnWN4jJ0vQLZYoDJSKbvx5LAqwW7kgJlh', user: { id: 1, username: 'alice', email: 'alice@example.com' } }],
});
