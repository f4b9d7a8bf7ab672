/** The Amazon States Language document as zod schemas: the public surface of `schemas/asl`. */
export * from './choice-rule';
export * from './fields';
export * from './map-fields';
export * from './problem';
export * from './state-machine';
export * from './states';
export * from './timestamp';
