import { z } from 'zod';
import { listAvailableNumbers, parseNumberRange } from '../../core/numbers/index.ts';
import type { NumberRange as RangeRow } from '../../store/database.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { AppError, notFound } from '../errors.ts';
import { authorize } from '../policies.ts';
import { listQuery, orgItemParams, orgParams, page } from '../schemas/common.ts';

const rangeCreate = z.strictObject({
  kind: z.enum(['public', 'internal']),
  start: z.string().max(32),
  end: z.string().max(32),
  dialFromIvr: z.boolean().optional(),
  description: z.string().trim().max(200).optional(),
});
const rangeUpdate = rangeCreate.partial();

const availableQuery = z.object({
  kind: z.enum(['public', 'internal']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

function presentRange(r: RangeRow) {
  return {
    id: r.id,
    kind: r.kind,
    start: r.start_number,
    end: r.end_number,
    dialFromIvr: r.dial_from_ivr,
    description: r.description,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Validates a range and checks it overlaps nothing: public numbers are unique in the installation. */
async function checkRange(repos: Repos, orgId: string, input: { kind: string; start: string; end: string }, excludeId?: string) {
  const parsed = parseNumberRange(input);
  if (!parsed.ok) throw new AppError('validation_failed', `${parsed.field}: ${parsed.reason}`, parsed.field);
  const clash = await repos.numbers.findOverlapping(orgId, parsed.range, excludeId);
  const first = clash[0];
  if (first) {
    const where = first.org_id === orgId ? `the range ${first.start_number}–${first.end_number}` : 'a range of another organization';
    throw new AppError('range_overlap', `The range overlaps ${where}`, 'start');
  }
  return parsed.range;
}

/** Number ranges and the list of available numbers (SPEC §3). */
export function registerNumberRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['numbers'];
  const base = '/api/v1/organizations/:orgId/number-ranges';

  app.get(base, { schema: { tags, summary: 'List number ranges', params: orgParams, querystring: listQuery } }, async (request) => {
    const { orgId } = request.params;
    await authorize(ctx.store, requirePrincipal(request), orgId, 'numbers:read');
    const res = await ctx.store.numbers.listRanges(orgId, request.query);
    return page(res.items.map(presentRange), res.total, request.query);
  });

  app.post(base, { schema: { tags, summary: 'Add a number range', params: orgParams, body: rangeCreate } }, async (request, reply) => {
    const p = requirePrincipal(request);
    const { orgId } = request.params;
    await authorize(ctx.store, p, orgId, 'numbers:write');
    const row = await ctx.store.transaction(async (tx) => {
      const range = await checkRange(tx, orgId, request.body);
      const created = await tx.numbers.createRange(orgId, { ...request.body, ...range });
      await audit(tx, p, orgId, 'number_range.create', { type: 'number_range', id: created.id }, null, created);
      return created;
    });
    return reply.status(201).send(presentRange(row));
  });

  app.get(`${base}/:id`, { schema: { tags, summary: 'Read a number range', params: orgItemParams } }, async (request) => {
    const { orgId, id } = request.params;
    await authorize(ctx.store, requirePrincipal(request), orgId, 'numbers:read');
    const r = await ctx.store.numbers.getRange(orgId, id);
    if (!r) throw notFound('Number range');
    return presentRange(r);
  });

  app.patch(`${base}/:id`, { schema: { tags, summary: 'Change a number range', params: orgItemParams, body: rangeUpdate } }, async (request) => {
    const p = requirePrincipal(request);
    const { orgId, id } = request.params;
    await authorize(ctx.store, p, orgId, 'numbers:write');
    const row = await ctx.store.transaction(async (tx) => {
      const before = await tx.numbers.getRange(orgId, id);
      if (!before) throw notFound('Number range');
      const merged = { kind: request.body.kind ?? before.kind, start: request.body.start ?? before.start_number, end: request.body.end ?? before.end_number };
      const range = await checkRange(tx, orgId, merged, id);
      // Numbers in use must stay inside the organization's ranges.
      const used = await tx.numbers.assignedBetween(orgId, before.start_number, before.end_number);
      const orphan = used.find((u) => u.number.length !== range.start.length || u.number < range.start || u.number > range.end);
      if (orphan) throw new AppError('range_in_use', `Number ${orphan.number} is in use and would fall outside the range`, 'start');
      const after = await tx.numbers.updateRange(orgId, id, { ...request.body, ...range });
      await audit(tx, p, orgId, 'number_range.update', { type: 'number_range', id }, before, after);
      return after;
    });
    if (!row) throw notFound('Number range');
    return presentRange(row);
  });

  app.delete(
    `${base}/:id`,
    { schema: { tags, summary: 'Remove a number range (only when none of its numbers is in use)', params: orgItemParams } },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const { orgId, id } = request.params;
      await authorize(ctx.store, p, orgId, 'numbers:write');
      await ctx.store.transaction(async (tx) => {
        const before = await tx.numbers.getRange(orgId, id);
        if (!before) throw notFound('Number range');
        const used = await tx.numbers.assignedBetween(orgId, before.start_number, before.end_number);
        if (used[0]) throw new AppError('range_in_use', `${used.length} number(s) of this range are in use, e.g. ${used[0].number}`, 'id');
        await tx.numbers.deleteRange(orgId, id);
        await audit(tx, p, orgId, 'number_range.delete', { type: 'number_range', id }, before, null);
      });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/organizations/:orgId/available-numbers',
    { schema: { tags, summary: 'Free numbers of the organization ranges', params: orgParams, querystring: availableQuery } },
    async (request) => {
      const { orgId } = request.params;
      await authorize(ctx.store, requirePrincipal(request), orgId, 'numbers:read');
      const [ranges, used] = await Promise.all([ctx.store.numbers.allRanges(orgId), ctx.store.numbers.usedNumbers(orgId)]);
      const res = listAvailableNumbers(
        ranges.map((r) => ({ kind: r.kind, start: r.start_number, end: r.end_number })),
        used,
        { limit: request.query.limit, offset: request.query.offset, ...(request.query.kind && { kind: request.query.kind }) },
      );
      return { items: res.items, total: res.total, limit: request.query.limit, offset: request.query.offset };
    },
  );
}
