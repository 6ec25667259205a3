import type { Core } from '@strapi/strapi';
import { z } from '@strapi/utils';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import type { GetCheckpoints, SealCheckpoint, VerifyProof } from '../contracts';

const listQuerySchema = z
  .object({
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();

/** Admin API of the tamper evidence: verify the chains, seal a checkpoint, list checkpoints. */
const proof = ({ strapi }: { strapi: Core.Strapi }) => ({
  async verify(ctx: Context) {
    const actor = getService(strapi, 'audit').actorOf(ctx);
    ctx.body = {
      data: await getService(strapi, 'proof').verify({ actor }),
    } satisfies VerifyProof.Response;
  },

  async seal(ctx: Context) {
    const actor = getService(strapi, 'audit').actorOf(ctx);
    const checkpoint = await getService(strapi, 'proof').seal({ actor });
    ctx.status = checkpoint ? 201 : 200;
    ctx.body = {
      data: checkpoint,
      meta: { sealed: checkpoint !== null },
    } satisfies SealCheckpoint.Response;
  },

  async checkpoints(ctx: Context) {
    const query = parse(listQuerySchema, ctx.query);
    const { checkpoints, next } = await getService(strapi, 'checkpoints').list(query);
    ctx.body = { data: checkpoints, meta: { next } } satisfies GetCheckpoints.Response;
  },
});

export default proof;
