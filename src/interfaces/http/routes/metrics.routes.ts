import type { Registry } from 'prom-client';
import { z } from 'zod';
import { defineRoute, type Route } from '../routing/route.js';

/**
 * `GET /metrics` in the Prometheus text format. Internal: it needs no token, so keep it off the
 * public listener (block `/metrics` at the proxy or ingress) and let only the scraper reach it.
 * A scrape reads in-memory instruments plus one head-position query, so it stays cheap.
 */
export const metricsRoutes = (registry: Registry): Route[] => [
  defineRoute({
    method: 'get',
    path: '/metrics',
    access: 'anyone',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description:
      'Internal: needs no token, so keep it off the public listener and let only the scraper reach it.',
    tag: 'Operations',
    responses: {
      '200': {
        description: 'The Prometheus text exposition format.',
        content: {
          'text/plain': { schema: z.string().meta({ examples: ['http_requests_total{method="GET"} 1'] }) },
        },
      },
    },
    handler: async (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.type = registry.contentType;
      ctx.body = await registry.metrics();
    },
  }),
];
