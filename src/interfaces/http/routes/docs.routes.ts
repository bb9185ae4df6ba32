import Router from '@koa/router';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { EXACT_PATHS, type HttpState } from '../http-state.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../openapi/document.js';
import { ASSETS_PATH, DOCS_CSP, DOCS_PATH, loadSwaggerUi, OPENAPI_PATH } from '../openapi/swagger-ui.js';
import { HttpProblem } from '../problem.js';

/**
 * `GET /openapi.json` and the Swagger UI page at `GET /docs`. The document is built and serialised
 * once, when the router is created at start-up, never per request.
 */
export function docsRoutes(document: OpenApiDocument = buildOpenApiDocument()): Router<HttpState> {
  const router = new Router<HttpState>(EXACT_PATHS);
  const json = JSON.stringify(document);
  const etag = `"${createHash('sha256').update(json).digest('base64url')}"`;
  const swaggerUi = loadSwaggerUi();

  router.get(OPENAPI_PATH, (ctx) => {
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
  });

  router.get(DOCS_PATH, (ctx) => {
    ctx.set('Content-Security-Policy', DOCS_CSP);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = swaggerUi.page;
  });

  router.get(`${ASSETS_PATH}/:file`, (ctx) => {
    const asset = swaggerUi.assets.get(ctx.params.file ?? '');
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
  });

  return router;
}
