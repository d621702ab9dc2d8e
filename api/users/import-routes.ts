import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Buffer } from 'node:buffer';
import { z } from 'zod';
import { findRangeFor, normalizeNumber } from '../../core/numbers/index.ts';
import type { UserWithRelations } from '../../store/repos/users-repo.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { AppError, type ErrorCode } from '../errors.ts';
import { authorize, scopeHasUser, type Access, type Scope } from '../policies.ts';
import { orgParams, uuid } from '../schemas/common.ts';
import {
  columnOfField,
  importFailed,
  parseUsersCsv,
  planRow,
  rowProblem,
  userToCsvRecord,
  usersCsv,
  type RowPlan,
  type RowProblem,
  type UserCsvColumn,
} from './csv.ts';
import { importUsersFromLdif } from './ldif-import.ts';
import { createUser, updateUser, type UserServiceDeps } from './service.ts';

const CSV_TYPES = ['text/csv', 'text/plain', 'multipart/form-data'];
const LDIF_TYPES = ['text/x-ldif', 'text/ldif', 'application/ldif', 'application/x-ldif', 'text/plain', 'multipart/form-data'];
// Bodies of these types arrive as bytes here, so decodeUpload can tell UTF-8 from windows-1252.
const RAW_TYPES = [...new Set([...CSV_TYPES, ...LDIF_TYPES])].filter((t) => !t.startsWith('multipart/'));

const dryRun = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');
const csvImportQuery = z.object({ dryRun });
const ldifImportQuery = z.object({ dryRun, groupId: uuid.optional() });

/**
 * Users CSV export and import (all-or-nothing) and the LDIF directory import (per entry); the
 * rules are in docs/imports.md. Imports go through createUser/updateUser, so they obey exactly the
 * rules of the users API.
 */
export function registerUserImportRoutes(api: ZApp, ctx: ApiContext): void {
  // Own plugin scope: its body parsers hand over raw bytes without touching the rest of the API.
  void api.register(async (scope) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    for (const t of RAW_TYPES) if (app.hasContentTypeParser(t)) app.removeContentTypeParser(t);
    app.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer', bodyLimit: ctx.config.maxImportBytes }, (_req, body, done) => done(null, body));
    registerRoutes(app, ctx);
  });
}

function registerRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['users'];
  const base = '/api/v1/organizations/:orgId/users';
  const deps: UserServiceDeps = { passwordCost: ctx.config.passwordCost };
  const bodyLimit = ctx.config.maxImportBytes;

  app.get(
    `${base}/export.csv`,
    { schema: { tags, summary: 'Export users as CSV (UTF-8 with BOM, `;`): edit and re-import it', params: orgParams } },
    async (request, reply) => {
      const { orgId } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'users:read');
      const [users, groups] = await Promise.all([allUsers(ctx.store, orgId, access.scope), ctx.store.groups.all(orgId)]);
      const names = new Map(groups.map((g) => [g.id, g.name]));
      const csv = usersCsv(users.map((u) => userToCsvRecord(u, names, access.scope)));
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="users.csv"').send(csv);
    },
  );

  app.post(
    `${base}/import`,
    {
      bodyLimit,
      onRequest: acceptOnly(CSV_TYPES),
      schema: {
        tags,
        summary: 'Import users from CSV (text/csv body or multipart `file`): all rows or none; `dryRun=true` previews',
        params: orgParams,
        querystring: csvImportQuery,
      },
    },
    async (request) => {
      const { orgId } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'users:write');
      const text = await readUpload(request);
      const preview = request.query.dryRun;
      const counts = await inTransaction(ctx, preview, (tx) => importUsersCsv(tx, access, text, deps));
      return { ...counts, dryRun: preview };
    },
  );

  app.post(
    `${base}/import-ldif`,
    {
      bodyLimit,
      onRequest: acceptOnly(LDIF_TYPES),
      schema: {
        tags,
        summary: 'Import users from an Active Directory LDIF export: valid entries are applied, the others reported in `skipped`',
        params: orgParams,
        querystring: ldifImportQuery,
      },
    },
    async (request) => {
      const { orgId } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'users:write');
      const text = await readUpload(request);
      const { dryRun: preview, groupId } = request.query;
      const result = await inTransaction(ctx, preview, (tx) => importUsersFromLdif(tx, access, text, { groupId }, deps));
      return { ...result, dryRun: preview };
    },
  );
}

/** Refuses other content types before the body is read (415). */
function acceptOnly(types: readonly string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    requirePrincipal(request);
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!types.includes(type)) throw new AppError('unsupported_media_type', `Send the file as ${types.join(', ')}`, 'content-type');
  };
}

/** The uploaded text: the request body, or the first file of a multipart request, decoded. */
async function readUpload(request: FastifyRequest): Promise<string> {
  if (request.isMultipart()) {
    const file = await request.file();
    if (!file) throw new AppError('invalid_file', 'Send the file in a multipart field named "file"', 'file');
    return decodeUpload(await file.toBuffer());
  }
  const body = request.body;
  if (!Buffer.isBuffer(body)) throw new AppError('unsupported_media_type', 'Send the file as text', 'content-type');
  return decodeUpload(body);
}

// windows-1252 differs from latin-1 in 0x80–0x9F only.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Decodes an uploaded file: a BOM decides (UTF-8, or UTF-16 as Excel's "Unicode text" and
 * `ldifde -u` write); otherwise UTF-8 when valid, else windows-1252 (Excel's plain "CSV").
 */
export function decodeUpload(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return Array.from(bytes, (b) => String.fromCharCode(b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] ?? b) : b)).join('');
  }
}

class DryRunRollback<T> extends Error {
  constructor(readonly result: T) {
    super('dry run');
  }
}

/** Runs an import in one transaction; a dry run does all the same work and then rolls it back. */
async function inTransaction<T>(ctx: ApiContext, rollback: boolean, fn: (tx: Repos) => Promise<T>): Promise<T> {
  try {
    return await ctx.store.transaction(async (tx) => {
      const result = await fn(tx);
      if (rollback) throw new DryRunRollback(result);
      return result;
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.result as T;
    throw err;
  }
}

/** Every user of the organization (or of a scoped admin's groups), by username. */
async function allUsers(repos: Repos, orgId: string, scope: Scope): Promise<UserWithRelations[]> {
  const out: UserWithRelations[] = [];
  const withinGroups = scope.kind === 'groups' ? [...scope.groupIds] : undefined;
  for (;;) {
    const page = await repos.users.list(orgId, { limit: 500, offset: out.length, sort: 'username', order: 'asc', withinGroups });
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

async function allSiteIds(repos: Repos, orgId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (;;) {
    const page = await repos.sites.list(orgId, { limit: 500, offset: ids.size });
    for (const s of page.items) ids.add(s.id);
    if (page.items.length === 0 || ids.size >= page.total) return ids;
  }
}

// Something a user holds that no other user may hold: username, external id, a number.
interface Claim {
  key: string;
  column: UserCsvColumn;
  taken: string;
  code: ErrorCode;
}

function claimsOf(
  username: string,
  externalId: string | null | undefined,
  lines: readonly { slot: string; number: string; aliasExtension?: string | null | undefined }[],
): Claim[] {
  const claims: Claim[] = [{ key: `u:${username}`, column: 'username', taken: 'a user with this username already exists', code: 'duplicate' }];
  if (externalId) claims.push({ key: `x:${externalId}`, column: 'externalId', taken: 'another user has this external id', code: 'duplicate' });
  for (const l of lines) {
    const slot = l.slot as 'primary' | 'secondary';
    for (const [raw, column] of [
      [l.number, `${slot}Number`],
      [l.aliasExtension, `${slot}Alias`],
    ] as const) {
      if (!raw) continue;
      const n = normalizeNumber(raw);
      claims.push({ key: `n:${n}`, column, taken: `${n} is already in use`, code: 'number_in_use' });
    }
  }
  return claims;
}

function finalClaims(plan: RowPlan): Claim[] {
  if (plan.kind === 'create') return claimsOf(plan.body.username, plan.body.externalId, plan.lines);
  const p = plan.kind === 'update' ? plan.patch : {};
  return claimsOf(p.username ?? plan.user.username, p.externalId !== undefined ? p.externalId : plan.user.external_id, plan.lines);
}

function currentClaims(u: UserWithRelations): Claim[] {
  return claimsOf(
    u.username,
    u.external_id,
    u.lines.map((l) => ({ slot: l.slot, number: l.number, aliasExtension: l.alias_extension })),
  );
}

/**
 * The CSV import: every row is checked first (all problems reported together), then the rows are
 * applied through createUser/updateUser in one transaction; the first failure undoes everything.
 */
export async function importUsersCsv(
  repos: Repos,
  access: Access,
  text: string,
  deps: UserServiceDeps,
): Promise<{ created: number; updated: number; unchanged: number }> {
  const { orgId, scope } = access;
  const parsed = parseUsersCsv(text);
  const problems: RowProblem[] = [...parsed.problems];
  const [users, groups, siteIds, ranges, used] = await Promise.all([
    allUsers(repos, orgId, { kind: 'organization' }),
    repos.groups.all(orgId),
    allSiteIds(repos, orgId),
    repos.numbers.allRanges(orgId),
    repos.numbers.usedNumbers(orgId),
  ]);
  const lookups = { scope, groupsByName: new Map(groups.map((g) => [g.name.toLowerCase(), g])), siteIds };
  const byId = new Map(users.map((u) => [u.id, u]));
  const byUsername = new Map(users.map((u) => [u.username, u]));

  // 1. Each row on its own: which user it is, and what it changes.
  const plans: RowPlan[] = [];
  const rowOfUser = new Map<string, number>();
  for (const row of parsed.rows) {
    const id = (row.cells.id ?? '').trim();
    let user: UserWithRelations | undefined;
    if (id !== '') {
      user = byId.get(id);
      if (!user || !scopeHasUser(scope, user.groupIds)) {
        problems.push(rowProblem(row, 'id', `user ${id} does not exist`, 'not_found'));
        continue;
      }
    } else {
      user = byUsername.get((row.cells.username ?? '').trim().toLowerCase());
      if (user && !scopeHasUser(scope, user.groupIds)) {
        problems.push(rowProblem(row, 'username', 'a user with this username already exists', 'duplicate'));
        continue;
      }
    }
    if (user) {
      const earlier = rowOfUser.get(user.id);
      if (earlier !== undefined) {
        problems.push(rowProblem(row, id !== '' ? 'id' : 'username', `the same user as row ${earlier}`, 'duplicate'));
        continue;
      }
      rowOfUser.set(user.id, row.row);
    }
    const planned = planRow(row, user, lookups);
    problems.push(...planned.problems);
    if (planned.plan) plans.push(planned.plan);
  }

  // 2. Across rows: usernames, external ids and numbers unique; numbers from the ranges and free
  // (or freed by another row of the file, which then runs first).
  const holders = new Map<string, string>();
  for (const u of users) for (const c of currentClaims(u)) holders.set(c.key, u.id);
  const planOfUser = new Map(plans.flatMap((p) => (p.kind === 'create' ? [] : [[p.user.id, p] as const])));
  const finalKeys = new Map(plans.map((p) => [p, new Set(finalClaims(p).map((c) => c.key))]));
  const numberRanges = ranges.map((r) => ({ kind: r.kind, start: r.start_number, end: r.end_number }));
  const claimedBy = new Map<string, RowPlan>();
  const before = new Map<RowPlan, RowPlan[]>();
  for (const plan of plans) {
    const userId = plan.kind === 'create' ? undefined : plan.user.id;
    for (const claim of finalClaims(plan)) {
      const other = claimedBy.get(claim.key);
      if (other) {
        problems.push(rowProblem(plan.row, claim.column, `${claim.key.slice(2)} is also on row ${other.row.row}`, claim.code));
        continue;
      }
      claimedBy.set(claim.key, plan);
      const holder = holders.get(claim.key);
      if (holder !== undefined && holder === userId) continue;
      const n = claim.key.slice(2);
      if (claim.key.startsWith('n:') && !findRangeFor(numberRanges, n)) {
        problems.push(rowProblem(plan.row, claim.column, `${n} is not in the organization's number ranges`, 'number_not_in_range'));
      } else if (holder !== undefined) {
        const releasing = planOfUser.get(holder);
        if (releasing && !finalKeys.get(releasing)?.has(claim.key)) before.set(plan, [...(before.get(plan) ?? []), releasing]);
        else problems.push(rowProblem(plan.row, claim.column, claim.taken, claim.code));
      } else if (claim.key.startsWith('n:') && used.has(n)) {
        problems.push(rowProblem(plan.row, claim.column, claim.taken, claim.code));
      } else if (claim.key.startsWith('u:')) {
        const elsewhere = await repos.auth.findLoginUser(n);
        if (elsewhere && elsewhere.id !== userId) problems.push(rowProblem(plan.row, claim.column, claim.taken, claim.code));
      }
    }
  }
  const ordered = runOrder(plans, before, problems);
  if (problems.length > 0) throw importFailed(problems);

  // 3. Apply, in one transaction (the caller's); the first error aborts the whole file.
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const plan of ordered) {
    try {
      if (plan.kind === 'create') await createUser(repos, access, plan.body, deps);
      else if (plan.kind === 'update') await updateUser(repos, access, plan.user.id, plan.patch, deps);
      counts[plan.kind === 'create' ? 'created' : plan.kind === 'update' ? 'updated' : 'unchanged'] += 1;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      throw importFailed([rowProblem(plan.row, columnOfField(err.field, plan.lines), err.message, err.code)]);
    }
  }
  await audit(repos, access.principal, orgId, 'user.import_csv', { type: 'user', id: null }, null, { rows: parsed.rows.length, ...counts });
  return counts;
}

// File order, except that a row freeing a number (or username, external id) another row takes
// runs before it. A cycle (two rows swapping numbers) cannot be applied and is reported.
function runOrder(plans: readonly RowPlan[], before: ReadonlyMap<RowPlan, RowPlan[]>, problems: RowProblem[]): RowPlan[] {
  const state = new Map<RowPlan, 'visiting' | 'done'>();
  const ordered: RowPlan[] = [];
  const visit = (plan: RowPlan): void => {
    if (state.get(plan) === 'done') return;
    state.set(plan, 'visiting');
    for (const first of before.get(plan) ?? []) {
      if (state.get(first) === 'visiting') {
        problems.push(
          rowProblem(
            plan.row,
            undefined,
            `Row ${plan.row.row} and row ${first.row.row} exchange numbers, usernames or external ids; make the exchange in two imports`,
            'conflict',
          ),
        );
      } else visit(first);
    }
    state.set(plan, 'done');
    ordered.push(plan);
  };
  for (const plan of plans) visit(plan);
  return ordered;
}
