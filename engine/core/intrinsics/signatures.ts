/** The JSON type an intrinsic argument must have. */
export type ArgType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'any';

/** An intrinsic's signature: its parameters in order, how many trailing ones are optional, and a variadic tail. */
export interface Signature {
  params: ArgType[];
  optional?: number;
  rest?: ArgType;
  /** Arguments that must be one exact value (ASL: JsonMerge's third argument must be `false`). */
  constants?: Record<number, unknown>;
}

/** Every intrinsic function ASL defines, declared as data and checked by `checkArguments`. */
export const SIGNATURES = {
  'States.Format': { params: ['string'], rest: 'any' },
  'States.StringToJson': { params: ['string'] },
  'States.JsonToString': { params: ['any'] },
  'States.Array': { params: [], rest: 'any' },
  'States.ArrayPartition': { params: ['array', 'number'] },
  'States.ArrayContains': { params: ['array', 'any'] },
  'States.ArrayRange': { params: ['number', 'number', 'number'] },
  'States.ArrayGetItem': { params: ['array', 'number'] },
  'States.ArrayLength': { params: ['array'] },
  'States.ArrayUnique': { params: ['array'] },
  'States.Base64Encode': { params: ['string'] },
  'States.Base64Decode': { params: ['string'] },
  'States.Hash': { params: ['string', 'string'] },
  'States.JsonMerge': { params: ['object', 'object', 'boolean'], constants: { 2: false } },
  'States.MathRandom': { params: ['number', 'number', 'number'], optional: 1 },
  'States.MathAdd': { params: ['number', 'number'] },
  'States.StringSplit': { params: ['string', 'string'] },
  'States.UUID': { params: [] },
} as const satisfies Record<string, Signature>;

/** The name of an intrinsic function, e.g. `States.Format`. */
export type IntrinsicName = keyof typeof SIGNATURES;

/** True when `name` is an intrinsic function ASL defines. */
export function isIntrinsicName(name: string): name is IntrinsicName {
  return Object.prototype.hasOwnProperty.call(SIGNATURES, name);
}

/** The JSON type name of a value, as used in messages. */
export function jsonTypeOf(value: unknown): Exclude<ArgType, 'any'> | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

/** An argument as the validator sees it: its value when known (a literal, or at run time), else unknown. */
export type CheckedArg = { known: true; value: unknown } | { known: false };

/**
 * The one validator of intrinsic calls: checks the argument count against the signature, and
 * the type (and required constant) of every argument whose value is known. Returns a message, or
 * undefined when the arguments fit.
 */
export function checkArguments(name: IntrinsicName, args: CheckedArg[]): string | undefined {
  const signature: Signature = SIGNATURES[name];
  const max = signature.rest ? Infinity : signature.params.length;
  const min = signature.params.length - (signature.optional ?? 0);
  if (args.length < min || args.length > max) {
    const expected = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
    return `${name} expects ${expected} argument${max === 1 && min === 1 ? '' : 's'} but received ${args.length}`;
  }
  for (const [i, arg] of args.entries()) {
    if (!arg.known) continue;
    const type = signature.params[i] ?? signature.rest ?? 'any';
    const actual = jsonTypeOf(arg.value);
    if (type !== 'any' && actual !== type) {
      return `${name} argument ${i + 1} must be of type ${type}, but was ${actual}: ${JSON.stringify(arg.value)}`;
    }
    const constants = signature.constants ?? {};
    if (i in constants && arg.value !== constants[i]) {
      return `${name} argument ${i + 1} must be ${JSON.stringify(constants[i])}, but was ${JSON.stringify(arg.value)}`;
    }
  }
  return undefined;
}
