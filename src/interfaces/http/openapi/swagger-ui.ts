import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';
import { z } from 'zod';

/** The interactive docs page: Swagger UI from the swagger-ui-dist package, no CDN, no inline script. */

export const DOCS_PATH = '/docs';
export const ASSETS_PATH = `${DOCS_PATH}/assets`;
export const OPENAPI_PATH = '/openapi.json';

export type DocsAsset =
  | { readonly kind: 'file'; readonly type: string; readonly file: string; readonly size: number }
  | { readonly kind: 'inline'; readonly type: string; readonly body: string };

/** Files served from the package, by name: a fixed list, so no request path ever reaches the file system. */
const PACKAGE_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui.css.map': 'application/json',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-bundle.js.map': 'application/json',
  'index.css': 'text/css; charset=utf-8',
  'favicon-16x16.png': 'image/png',
  'favicon-32x32.png': 'image/png',
};

/**
 * Our own start-up script (a file, so the page's CSP needs no 'unsafe-inline'). The password flow
 * posts grant_type=password, username, password (and perhaps client_id, scope, HTTP Basic client
 * credentials, all ignored) to the token URL of the document's `oauth2` scheme: `/auth/token`.
 */
const INIT_SCRIPT = `'use strict';
window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_PATH)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  // Off: Swagger UI would keep the typed password and the tokens in localStorage, readable by any
  // script on this origin and left behind on shared machines. Authorize again after a reload.
  persistAuthorization: false,
  displayRequestDuration: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
window.ui.initOAuth({ appName: 'Auth service API docs' });
`;

/**
 * Self only. Swagger UI styles elements through the CSSOM (allowed without 'unsafe-inline') and its
 * stylesheet embeds a few data: SVG icons.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface SwaggerUi {
  readonly version: string;
  readonly page: string;
  readonly assets: ReadonlyMap<string, DocsAsset>;
}

/** Resolves and checks the package's files once, at start-up: a missing package fails fast. */
export function loadSwaggerUi(): SwaggerUi {
  const dir = getAbsoluteFSPath();
  const { version } = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')));
  const assets = new Map<string, DocsAsset>();
  for (const [name, type] of Object.entries(PACKAGE_FILES)) {
    const file = path.join(dir, name);
    assets.set(name, { kind: 'file', type, file, size: statSync(file).size });
  }
  assets.set('docs-init.js', { kind: 'inline', type: 'text/javascript; charset=utf-8', body: INIT_SCRIPT });
  // The version in the URLs lets browsers cache the assets and still pick up an upgrade.
  const asset = (name: string): string => `${ASSETS_PATH}/${name}?v=${encodeURIComponent(version)}`;
  const page = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Auth service API docs</title>
    <link rel="stylesheet" href="${asset('swagger-ui.css')}">
    <link rel="stylesheet" href="${asset('index.css')}">
    <link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}" sizes="32x32">
    <link rel="icon" type="image/png" href="${asset('favicon-16x16.png')}" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${asset('swagger-ui-bundle.js')}"></script>
    <script src="${asset('docs-init.js')}"></script>
  </body>
</html>
`;
  return { version, page, assets };
}
