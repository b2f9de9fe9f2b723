/** GET /problems/{code}: the documentation a problem's `type` URI dereferences to (RFC 9457 §3.1.1). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { PROBLEM_CODES, type ProblemCode } from '../problems.js';
import { errorBody } from '../schemas.js';

const codes = Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]];

export const problemRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app) => {
  app.get(
    '/problems/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'What a problem type (an error code) means',
        params: z.object({ code: z.enum(codes) }),
        response: {
          200: z.object({ code: z.enum(codes), status: z.number().int(), title: z.string() }),
          400: errorBody,
        },
      },
    },
    async (req) => ({ code: req.params.code, ...PROBLEM_CODES[req.params.code] }),
  );
};
