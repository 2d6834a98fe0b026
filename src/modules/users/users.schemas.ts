import { Type } from 'typebox';
import { PageOf, PageQuery } from '../../http/common.schemas.js';

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.String(),
}, { title: 'User', examples: [{ id: 1, username: 'alice', email: 'alice@example.com' }] });

export const UsersPage = PageOf(UserSchema, 'UsersPage');

export const UsersListQuery = Type.Object({
  ...PageQuery.properties,
  search: Type.Optional(Type.String({ maxLength: 150, description: 'Only users whose username starts with this (ignoring case).' })),
});
