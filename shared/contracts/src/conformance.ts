import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** One answer as it went over the wire. */
export interface ObservedResponse {
  method: string;
  /** The request's path, without its query. */
  path: string;
  status: number;
  contentType: string | undefined;
  /** The body's text (JSON answers only; undefined when not read). */
  body: string | undefined;
}

type Operation = { responses?: Record<string, unknown> };
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: Record<string, unknown> };

const DOCUMENT_ID = 'https://retail.invalid/openapi.json';
const pointer = (...tokens: string[]) => tokens.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const isJson = (contentType: string | undefined) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType ?? '');
const mediaTypeOf = (contentType: string | undefined) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * Checks answers against an OpenAPI 3.1 document: the route is documented, the status is one its
 * operation documents, a JSON body matches that status's schema, and every 4xx/5xx is
 * `application/problem+json` unless the document gives that status another media type. An answer under
 * `prefixes` on a path the document does not know must be a problem. Returns what is wrong (nothing: it conforms).
 */
export function responseChecker(document: unknown, options: { prefixes: readonly string[] }) {
  const doc = document as OpenApi;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...doc, $id: DOCUMENT_ID } as object);
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (ref: string) => {
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${ref}` });
      compiled.set(ref, validate);
    }
    return validate;
  };

  // Literal segments before parameters: `/api/orders/events` is matched before `/api/orders/{id}`.
  const routes = Object.keys(doc.paths)
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.params - b.params);

  const resolveResponse = (response: unknown): { ref: string; value: Record<string, unknown> } | undefined => {
    const ref = (response as { $ref?: string } | undefined)?.$ref;
    if (!ref) return undefined;
    const name = ref.replace('#/components/responses/', '');
    const value = (doc.components?.responses as Record<string, Record<string, unknown>> | undefined)?.[name];
    return value ? { ref: `/${pointer('components', 'responses', name)}`, value } : undefined;
  };

  const problemSchema = `/${pointer('components', 'schemas', 'Problem')}`;
  const bodyProblems = (schemaRef: string, observed: ObservedResponse): string[] => {
    let body: unknown;
    try {
      body = JSON.parse(observed.body ?? '');
    } catch {
      return ['the body is not JSON'];
    }
    const validate = validatorAt(schemaRef);
    if (validate(body)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `body${e.instancePath} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  };

  return function check(observed: ObservedResponse): string[] {
    const route = routes.find((r) => r.pattern.test(observed.path));
    const method = observed.method.toLowerCase();
    const operation = route ? doc.paths[route.template]![method] : undefined;
    const failed = observed.status >= 400;
    const media = mediaTypeOf(observed.contentType);
    if (!operation) {
      if (!options.prefixes.some((prefix) => observed.path.startsWith(prefix))) return [];
      // Unknown here: only a refusal, as a problem, is right.
      if (!failed) return [`${observed.status} for a route the document does not have`];
      if (media !== 'application/problem+json') return [`a ${observed.status} answered as ${media || 'no content type'}, not a problem`];
      return bodyProblems(problemSchema, observed);
    }
    const opRef = `/${pointer('paths', route!.template, method, 'responses')}`;
    const documented = operation.responses?.[String(observed.status)];
    if (!documented) return [`status ${observed.status} is not documented`];
    const shared = resolveResponse(documented);
    const response = (shared?.value ?? documented) as { content?: Record<string, unknown> };
    const responseRef = shared?.ref ?? `${opRef}/${pointer(String(observed.status))}`;
    const content = response.content ?? {};
    if (Object.keys(content).length === 0) return [];
    if (!(media in content)) return [`answered ${media || 'no content type'}, the document says ${Object.keys(content).join(' or ')}`];
    if (!isJson(media) || observed.body === undefined) return [];
    return bodyProblems(`${responseRef}/${pointer('content', media, 'schema')}`, observed);
  };
}

export type ResponseCheck = ReturnType<typeof responseChecker>;
