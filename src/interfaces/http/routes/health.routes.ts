import { JSON_TYPE, ok } from '../routing/responses.js';
import { defineRoute, type Route } from '../routing/route.js';
import { livenessResponse, readinessResponse } from '../schemas/response.schemas.js';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

export const healthRoutes = (readiness: () => Promise<ReadinessReport>): Route[] => [
  defineRoute({
    method: 'get',
    path: '/health/live',
    access: 'anyone',
    operationId: 'liveness',
    summary: 'Liveness',
    tag: 'Operations',
    responses: ok('The process runs.', livenessResponse),
    handler: (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/health/ready',
    access: 'anyone',
    operationId: 'readiness',
    summary: 'Readiness',
    tag: 'Operations',
    responses: {
      ...ok('The store answers and projections are caught up.', readinessResponse),
      '503': {
        description: 'Not ready; `checks` says why.',
        content: { [JSON_TYPE]: { schema: readinessResponse } },
      },
    },
    handler: async (ctx) => {
      const report = await readiness();
      ctx.set('Cache-Control', 'no-store');
      ctx.status = report.ready ? 200 : 503;
      ctx.body = { status: report.ready ? 'ready' : 'not_ready', checks: report.checks };
    },
  }),
];
