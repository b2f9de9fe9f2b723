/** Field work's routes (issue #15), registered together: tasks, inspections, cases, area sources, the report. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { fieldCheckRoutes } from './field-checks.js';
import { fieldFirePointRoutes } from './field-fire-points.js';
import { fieldHandoverRoutes } from './field-handovers.js';
import { fieldCaseRoutes } from './field-cases.js';
import { fieldInspectionRoutes } from './field-inspections.js';
import { fieldReportRoutes } from './field-report.js';
import { fieldTaskRoutes } from './field-tasks.js';

export const fieldRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  await app.register(fieldTaskRoutes, { deps });
  await app.register(fieldInspectionRoutes, { deps });
  await app.register(fieldCaseRoutes, { deps });
  await app.register(fieldHandoverRoutes, { deps });
  await app.register(fieldFirePointRoutes, { deps });
  await app.register(fieldCheckRoutes, { deps });
  await app.register(fieldReportRoutes, { deps });
};
