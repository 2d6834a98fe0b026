import { Type } from 'typebox';
import { NullableString, PageOf, PageQuery } from '../../http/common.schemas.js';

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.String(),
}, { title: 'User', examples: [{ id: 1, username: 'alice', email: 'alice@example.com' }] });

/** Another user: the email address is null unless the service shows every user's (`EMAIL_VISIBILITY=everyone`). */
export const OtherUserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: NullableString({ description: 'Null unless the service shows email addresses to everyone (`EMAIL_VISIBILITY=everyone`).' }),
}, { title: 'OtherUser', examples: [{ id: 2, username: 'bob', email: null }] });

export const UsersPage = PageOf(OtherUserSchema, 'UsersPage');

export const DeleteAccountBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: 4096, description: 'Your password, once more.' }),
}, { title: 'AccountDeletion' });

export const UsersListQuery = Type.Object({
  ...PageQuery.properties,
  search: Type.Optional(Type.String({ maxLength: 150, description: 'Only users whose username starts with this (ignoring case).' })),
});
