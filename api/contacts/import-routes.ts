import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { audit } from '../audit.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { notFound } from '../errors.ts';
import { uuid } from '../schemas/common.ts';
import { ownerAccess, ownerOf, type OwnerParams } from './access.ts';
import { guessMapping } from './csv-file.ts';
import { analyzeFile, checkMapping, mapRows, PREVIEW_ROWS, readUpload, rowsRejected } from './import-service.ts';
import { CONTACT_LIST_LEVELS, importCommit, importUploadQuery } from './schemas.ts';

/** Raw bodies these routes take as bytes, so a windows-1252 file is decoded here, not mangled as UTF-8. */
const RAW_TYPES = ['text/plain', 'text/csv', 'text/tab-separated-values', 'application/octet-stream'];
/** An upload that is never committed is dropped after a day. */
const IMPORT_MAX_AGE_SECONDS = 24 * 3600;

interface ImportParams extends OwnerParams {
  importId: string;
}

function columnsOf(rows: readonly string[][]): number {
  return rows.reduce((m, r) => Math.max(m, r.length), 0);
}

/**
 * CSV import of external contacts (SPEC §4): upload a .txt/.rtx file → preview with a suggested
 * mapping → commit with the chosen column positions. The commit is all or nothing.
 */
export function registerContactImportRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['contacts'];
  // Own plugin scope: its body parsers hand over raw bytes without touching the rest of the API.
  void app.register(async (scope) => {
    const r = scope.withTypeProvider<ZodTypeProvider>();
    for (const t of RAW_TYPES) if (r.hasContentTypeParser(t)) r.removeContentTypeParser(t);
    r.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer', bodyLimit: ctx.config.maxImportBytes }, (_req, body, done) => done(null, body));

    for (const level of CONTACT_LIST_LEVELS) {
      const base = `${level.prefix}/contacts/imports`;
      const itemParams = level.params.extend({ importId: uuid });

      r.post(
        base,
        {
          schema: {
            tags,
            summary: `Upload a contact file (.txt or .rtx, ; , or tab separated) for ${level.what}: multipart field "file", or a text/plain body with ?filename=`,
            params: level.params,
            querystring: importUploadQuery,
          },
        },
        async (request, reply) => {
          const p = request.params as OwnerParams;
          const owner = ownerOf(p);
          const access = await ownerAccess(ctx.store, requirePrincipal(request), p.orgId, owner, 'write');
          const upload = await readUpload(request, request.query.filename);
          const file = analyzeFile(upload);
          const imp = await ctx.store.transaction(async (tx) => {
            await tx.contacts.pruneImports(p.orgId, IMPORT_MAX_AGE_SECONDS);
            const saved = await tx.contacts.saveImport(p.orgId, owner, {
              filename: upload.filename,
              delimiter: file.delimiter,
              rows: file.rows,
              createdBy: access.principal.id,
            });
            await audit(tx, access.principal, p.orgId, 'contact_import.upload', { type: 'contact_import', id: saved.id }, null, {
              owner,
              filename: upload.filename,
              encoding: file.encoding,
              rows: file.rows.length,
            });
            return saved;
          });
          return reply.status(201).send({
            importId: imp.id,
            filename: upload.filename,
            delimiter: file.delimiter,
            encoding: file.encoding,
            columns: file.columns,
            rowCount: file.rows.length,
            preview: file.rows.slice(0, PREVIEW_ROWS),
            suggestedMapping: file.suggestedMapping,
            hasHeader: file.hasHeader,
          });
        },
      );

      r.get(
        `${base}/:importId`,
        { schema: { tags, summary: 'Show an uploaded contact file again: preview and suggested mapping', params: itemParams } },
        async (request) => {
          const p = request.params as ImportParams;
          const owner = ownerOf(p);
          await ownerAccess(ctx.store, requirePrincipal(request), p.orgId, owner, 'write');
          const imp = await ctx.store.contacts.getImport(p.orgId, p.importId);
          if (!imp || imp.owner_level !== owner.level || imp.owner_id !== owner.id) throw notFound('Import');
          const columns = columnsOf(imp.rows);
          return {
            importId: imp.id,
            filename: imp.filename,
            delimiter: imp.delimiter,
            columns,
            rowCount: imp.rows.length,
            preview: imp.rows.slice(0, PREVIEW_ROWS),
            ...guessMapping(imp.rows, columns),
            createdAt: imp.created_at,
          };
        },
      );

      r.delete(
        `${base}/:importId`,
        { schema: { tags, summary: 'Discard an uploaded contact file without importing it', params: itemParams } },
        async (request, reply) => {
          const p = request.params as ImportParams;
          const owner = ownerOf(p);
          const access = await ownerAccess(ctx.store, requirePrincipal(request), p.orgId, owner, 'write');
          await ctx.store.transaction(async (tx) => {
            const imp = await tx.contacts.getImport(p.orgId, p.importId);
            if (!imp || imp.owner_level !== owner.level || imp.owner_id !== owner.id) throw notFound('Import');
            await tx.contacts.deleteImport(p.orgId, p.importId);
            await audit(
              tx,
              access.principal,
              p.orgId,
              'contact_import.discard',
              { type: 'contact_import', id: imp.id },
              { filename: imp.filename, rows: imp.rows.length },
              null,
            );
          });
          return reply.status(204).send();
        },
      );

      r.post(
        `${base}/:importId/commit`,
        {
          schema: {
            tags,
            summary: 'Import the uploaded contacts with a column mapping (0-based positions); all rows or none',
            params: itemParams,
            body: importCommit,
          },
        },
        async (request, reply) => {
          const p = request.params as ImportParams;
          const owner = ownerOf(p);
          const access = await ownerAccess(ctx.store, requirePrincipal(request), p.orgId, owner, 'write');
          const { mapping, skipHeader } = request.body;
          const result = await ctx.store.transaction(async (tx) => {
            const imp = await tx.contacts.getImport(p.orgId, p.importId);
            if (!imp || imp.owner_level !== owner.level || imp.owner_id !== owner.id) throw notFound('Import');
            checkMapping(mapping, columnsOf(imp.rows));
            const used = new Set(await tx.contacts.speedDials(p.orgId, owner));
            const mapped = mapRows(imp.rows, mapping, skipHeader, used);
            if (mapped.errors.length > 0) throw rowsRejected(mapped.errors);
            // Deleting first makes a second, concurrent commit of the same upload find nothing.
            if (!(await tx.contacts.deleteImport(p.orgId, imp.id))) throw notFound('Import');
            const created = await tx.contacts.createMany(p.orgId, owner, mapped.contacts);
            await audit(tx, access.principal, p.orgId, 'contact.import', { type: 'contact_import', id: imp.id }, null, {
              owner,
              filename: imp.filename,
              mapping,
              skipHeader,
              created,
              skipped: mapped.skipped,
            });
            return { created, skipped: mapped.skipped };
          });
          return reply.status(201).send(result);
        },
      );
    }
  });
}
