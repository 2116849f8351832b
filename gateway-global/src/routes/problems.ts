import { Hono } from 'hono';
import { isProblemKind, NotFoundError, PROBLEM_TYPES_PATH, problemTypes, problemTypeUri, type ProblemKind } from '@retail/kernel';
import type { GatewayRequest } from '../gateway-request.ts';

/** What `GET /api/problems/:kind` answers: the registry's entry, with its `type` URI. */
const describe = (kind: ProblemKind) => ({ type: problemTypeUri(kind), kind, ...problemTypes[kind] });

/**
 * The problem types (RFC 9457 §3.1.1: a `type` URI should lead to a description of the problem): every
 * kind in the kernel's registry at `/api/problems/<kind>`, and the list of them at `/api/problems`. An
 * unknown kind is a 404 problem.
 */
export function problemRoutes(): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();
  const cached = { 'Cache-Control': 'public, max-age=3600' };
  const all = JSON.stringify({ items: (Object.keys(problemTypes) as ProblemKind[]).map(describe) });

  app.get(PROBLEM_TYPES_PATH, (c) => c.body(all, 200, { ...cached, 'Content-Type': 'application/json' }));
  app.get(`${PROBLEM_TYPES_PATH}/:kind`, (c) => {
    const kind = c.req.param('kind');
    if (!isProblemKind(kind)) throw new NotFoundError(`No problem type ${kind}; ${PROBLEM_TYPES_PATH} lists them.`);
    return c.json(describe(kind), 200, cached);
  });
  return app;
}
