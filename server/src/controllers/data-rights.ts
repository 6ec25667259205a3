import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { eventRefSchema, receiptQuerySchema, verifyReceiptSchema } from '../validation/data-rights';
import { documentIdSchema } from '../validation/decision';
import type { ReceiptFormat } from '../contracts';
import type { AuditEntryInput } from '../proof';

type Actor = AuditEntryInput['actor'];

/** Receipts, their verification and the subject access archive (admin API, plus the public verify and JWKS). */
const dataRights = ({ strapi }: { strapi: Core.Strapi }) => {
  /** A receipt in the format asked for, made by `make` as the admin asking; never cached (it names a client). */
  const sendReceipt = async (
    ctx: Context,
    make: (format: ReceiptFormat, actor: Actor) => Promise<unknown>
  ) => {
    const { format } = parse(receiptQuerySchema, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: await make(format, getService(strapi, 'audit').actorOf(ctx)) };
  };

  return {
    async subjectReceipt(ctx: Context) {
      const subject = parse(documentIdSchema, ctx.params.subject);
      await sendReceipt(ctx, (format, actor) =>
        getService(strapi, 'receipts').forSubject(subject, format, actor)
      );
    },

    async eventReceipt(ctx: Context) {
      const ref = parse(eventRefSchema, ctx.params.id);
      await sendReceipt(ctx, (format, actor) =>
        getService(strapi, 'receipts').forEvent(ref, format, actor)
      );
    },

    /** Admin: verify a receipt (audited with the admin as actor). */
    async verifyReceipt(ctx: Context) {
      const input = parse(verifyReceiptSchema, ctx.request.body);
      ctx.body = {
        data: await getService(strapi, 'receipts').verify(
          input,
          getService(strapi, 'audit').actorOf(ctx)
        ),
      };
    },

    /** Public: anyone holding a receipt may check it; the answer reveals nothing the receipt does not hold. */
    async verifyReceiptPublic(ctx: Context) {
      const input = parse(verifyReceiptSchema, ctx.request.body);
      // Not audited: anyone may ask (rate-limited per address), and the trail is for what admins do.
      ctx.body = { data: await getService(strapi, 'receipts').verify(input) };
    },

    /** Public: the keys that sign receipts, to verify them offline. */
    async jwks(ctx: Context) {
      ctx.set('Cache-Control', 'public, max-age=300');
      ctx.body = getService(strapi, 'receipts').jwks();
    },

    async accessArchive(ctx: Context) {
      const subject = parse(documentIdSchema, ctx.params.subject);
      const stream = await getService(strapi, 'access-archive').stream(
        subject,
        getService(strapi, 'audit').actorOf(ctx)
      );
      ctx.set('Content-Type', 'application/zip');
      ctx.set('Content-Disposition', `attachment; filename="access-archive-${subject}.zip"`);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = stream;
    },
  };
};

export default dataRights;
