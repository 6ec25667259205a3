import type { Context } from 'koa';
import type { Actor } from '../types';

interface AdminUser {
  id: number | string;
  firstname?: string | null;
  lastname?: string | null;
  username?: string | null;
  email?: string | null;
}

/** The admin user behind a request, as the actor recorded in the proof. */
export const adminActor = (ctx: Context): Actor => {
  const user = ctx.state.user as AdminUser;
  const name =
    [user.firstname, user.lastname].filter(Boolean).join(' ') ||
    user.username ||
    user.email ||
    null;
  return { type: 'admin', id: user.id, name };
};
