import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import type { OpenApiDocument } from '../openapi/document.js';
import { ASSETS_PATH, DOCS_CSP, DOCS_PATH, loadSwaggerUi, OPENAPI_PATH } from '../openapi/swagger-ui.js';
import { HttpProblem } from '../problem.js';
import { ok } from '../routing/responses.js';
import { defineRoute, type Route } from '../routing/route.js';
import { openApiDocumentResponse } from '../schemas/response.schemas.js';

/**
 * `GET /openapi.json` and the Swagger UI page at `GET /docs`. The document is built from every
 * route's declaration and serialised once, on first use, never per request.
 */
export const docsRoutes = (documentOf: () => OpenApiDocument): Route[] => {
  const swaggerUi = loadSwaggerUi();
  let served: { json: string; etag: string } | undefined;
  const document = (): { json: string; etag: string } => {
    if (served === undefined) {
      const json = JSON.stringify(documentOf());
      served = { json, etag: `"${createHash('sha256').update(json).digest('base64url')}"` };
    }
    return served;
  };
  return [
    defineRoute({
      method: 'get',
      path: OPENAPI_PATH,
      access: 'anyone',
      operationId: 'openApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tag: 'Documentation',
      responses: {
        ...ok('The document (with an `ETag`).', openApiDocumentResponse),
        '304': { description: 'Unchanged since the `If-None-Match` ETag.' },
      },
      handler: (ctx) => {
        const { json, etag } = document();
        // Revalidated on each use (cheap, with the ETag): the document changes with each deployment.
        ctx.set('Cache-Control', 'no-cache');
        ctx.set('ETag', etag);
        ctx.status = 200;
        if (ctx.fresh) {
          ctx.status = 304;
          return;
        }
        ctx.type = 'application/json; charset=utf-8';
        ctx.body = json;
      },
    }),
    defineRoute({
      method: 'get',
      path: DOCS_PATH,
      access: 'anyone',
      operationId: 'docsPage',
      summary: 'Interactive API docs (Swagger UI)',
      tag: 'Documentation',
      responses: {
        '200': { description: 'The HTML page.', content: { 'text/html': { schema: z.string() } } },
      },
      handler: (ctx) => {
        ctx.set('Content-Security-Policy', DOCS_CSP);
        ctx.set('Cache-Control', 'no-cache');
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = swaggerUi.page;
      },
    }),
    defineRoute({
      method: 'get',
      path: `${ASSETS_PATH}/{file}`,
      access: 'anyone',
      operationId: 'docsAsset',
      summary: "The docs page's static files",
      tag: 'Documentation',
      undocumented: true,
      request: { path: z.object({ file: z.string().max(100) }) },
      responses: {},
      handler: (ctx, { params }) => {
        const asset = swaggerUi.assets.get(params.file);
        if (asset === undefined) throw new HttpProblem(404, 'Not found', 'No such docs asset.');
        // The page links assets with the package version in the URL, so a day of caching is safe.
        ctx.set('Cache-Control', 'public, max-age=86400');
        ctx.type = asset.type;
        if (asset.kind === 'inline') {
          ctx.body = asset.body;
        } else {
          ctx.length = asset.size;
          ctx.body = createReadStream(asset.file);
        }
      },
    }),
  ];
};
