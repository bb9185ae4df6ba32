import type { z } from 'zod';
import type { ZodOpenApiResponsesObject } from 'zod-openapi';
import { tokenResponse } from '../schemas/response.schemas.js';

export const JSON_TYPE = 'application/json';

export const ok = (
  description: string,
  schema: z.ZodType,
  status: '200' | '201' = '200',
): ZodOpenApiResponsesObject => ({
  [status]: { description, content: { [JSON_TYPE]: { schema } } },
});

export const noContent = (description: string): ZodOpenApiResponsesObject => ({ '204': { description } });

export const tokens: ZodOpenApiResponsesObject = {
  '200': {
    description: 'A new token pair (sent with `Cache-Control: no-store`).',
    content: { [JSON_TYPE]: { schema: tokenResponse } },
  },
};
