import { Type } from 'typebox';
import { PageOf } from '../../http/common.schemas.js';
import { OtherUserSchema } from '../users/users.schemas.js';

export const BlockBody = Type.Object({
  user: Type.String({ minLength: 1, maxLength: 254, description: 'Username or email of the user to block.', examples: ['mallory'] }),
}, { title: 'NewBlock' });

export const BlockSchema = Type.Object({
  user: OtherUserSchema,
  created_at: Type.String({ format: 'date-time' }),
}, { title: 'Block' });

export const BlocksPage = PageOf(BlockSchema, 'BlocksPage');

export const BlockedUserParams = Type.Object({
  user: Type.String({ description: 'Username or email of a user you blocked.' }),
});
