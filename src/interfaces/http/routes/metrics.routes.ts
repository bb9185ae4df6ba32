import type { Registry } from 'prom-client';
import { z } from 'zod';
import { defineRoute, type Route } from '../routing/route.js';

/**
 * `GET /metrics` in the Prometheus text format: on the public listener only with METRICS_TOKEN,
 * on the METRICS_PORT listener for whoever reaches it. A scrape reads in-memory instruments plus
 * one head-position query, so it stays cheap.
 */
export const metricsRoutes = (registry: Registry): Route[] => [
  defineRoute({
    method: 'get',
    path: '/metrics',
    access: 'metrics-scraper',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description:
      'With `Authorization: Bearer <METRICS_TOKEN>`; otherwise `404`, as an unknown path. The METRICS_PORT listener serves it without a token.',
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
