import { Type } from 'typebox';

export const Alive = Type.Object({ status: Type.Literal('ok') }, { title: 'Alive' });
export const Ready = Type.Object({ status: Type.Literal('ready') }, { title: 'Ready' });
export const Unavailable = Type.Object({ status: Type.Literal('unavailable') }, { title: 'Unavailable', examples: [{ status: 'unavailable' }] });
