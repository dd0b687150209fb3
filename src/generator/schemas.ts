// JSON Schemas of the getparams exchange (Argo CD's applicationset/services/plugin). The response schema names
// every key: Fastify serialises with fast-json-stringify, which silently drops undeclared keys,
// so a vague `{ type: 'object' }` would answer `[{}]`. test/generator/routes.test.ts
// reads the bytes on the wire to keep this honest.

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

export const imageParametersSchema = {
  type: 'object',
  properties: { repository: { type: 'string' }, tag: { type: 'string' }, digest: { type: 'string' }, ref: { type: 'string' } },
  required: ['repository', 'tag', 'digest', 'ref'],
} as const;

export const parameterSetSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    nameNormalized: { type: 'string' },
    server: { type: 'string' },
    project: { type: 'string' },
    metadata: { type: 'object', properties: { labels: stringMap, annotations: stringMap } },
    images: { type: 'object', additionalProperties: imageParametersSchema },
    imageOverrides: { type: 'string' },
    imagesRevision: { type: 'string' },
  },
  required: ['name', 'nameNormalized', 'server', 'project', 'metadata', 'images', 'imageOverrides', 'imagesRevision'],
} as const;

export const getParamsResponseSchema = {
  type: 'object',
  properties: { output: { type: 'object', properties: { parameters: { type: 'array', items: parameterSetSchema } }, required: ['parameters'] } },
  required: ['output'],
} as const;

/** The request as the controller builds it; `input.parameters` is omitted when empty. */
export const getParamsBodySchema = {
  type: 'object',
  properties: {
    applicationSetName: { type: 'string', minLength: 1 },
    input: { type: 'object', properties: { parameters: { type: 'object' } } },
  },
  required: ['applicationSetName', 'input'],
} as const;

export const errorSchema = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
  required: ['code', 'message'],
} as const;
