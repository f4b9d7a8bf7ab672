import { z } from 'zod';
import { ChoiceRuleSchema } from './choice-rule';
import {
  AssignFields,
  CommonStateFields,
  ErrorHandlingFields,
  InputOutputPathFields,
  nonNegativeInteger,
  ObjectTemplateSchema,
  PayloadTemplateSchema,
  timeoutSeconds,
  ResourceArnSchema,
  ResultFields,
  RetrierSchema,
  TransitionFields,
} from './fields';
import { ItemBatcherSchema, ItemReaderSchema, ProcessorConfigSchema, ResultWriterSchema } from './map-fields';
import { TimestampSchema } from './timestamp';

/**
 * One schema per ASL state type (JSONPath fields, plus `Assign`), the discriminated union on `Type`, and the
 * recursive sub-machine of Parallel `Branches` and Map `ItemProcessor`/`Iterator`. The field
 * matrix follows AWS's ASL schema; anything else on a state is an unknown field.
 */

/** The `Type` values, in the order problems list them. */
export const STATE_TYPES = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;
/** A state type name. */
export type StateType = (typeof STATE_TYPES)[number];

/** AWS's limit on the length of a Map Run `Label`. */
export const MAP_LABEL_MAX_LENGTH = 40;

/** Task `Credentials`: the role to assume (`RoleArn`, or `RoleArn.$` from a path or intrinsic). */
export const CredentialsSchema = z.strictObject({
  RoleArn: z.string().optional(),
  'RoleArn.$': z.string().optional(),
});

/**
 * Stepflow extension, Task only: `Compensate: { Resource, Parameters?, Retry? }`. When the Task
 * succeeds, this step is pushed on the execution's compensation stack and run (last in, first
 * out) if the execution later fails. See DESIGN.md "Compensation".
 */
export const CompensateSchema = z.strictObject({
  Resource: ResourceArnSchema,
  Parameters: PayloadTemplateSchema.optional(),
  Retry: z.array(RetrierSchema).optional(),
  Comment: z.string().optional(),
});
/** A Task's compensation step. */
export type Compensate = z.infer<typeof CompensateSchema>;

/** Task: calls `Resource`; `TimeoutSeconds[Path]`, `HeartbeatSeconds[Path]`, `Credentials`, `Compensate`. */
export const TaskStateSchema = z.strictObject({
  Type: z.literal('Task'),
  ...CommonStateFields,
  ...InputOutputPathFields,
  ...TransitionFields,
  ...ResultFields,
  ...ErrorHandlingFields,
  ...AssignFields,
  Resource: ResourceArnSchema,
  Parameters: PayloadTemplateSchema.optional(),
  TimeoutSeconds: timeoutSeconds('TimeoutSeconds').optional(),
  TimeoutSecondsPath: z.string().optional(),
  HeartbeatSeconds: timeoutSeconds('HeartbeatSeconds').optional(),
  HeartbeatSecondsPath: z.string().optional(),
  Credentials: CredentialsSchema.optional(),
  Compensate: CompensateSchema.optional(),
});

/** Pass: outputs `Result`, or its (effective) input. */
export const PassStateSchema = z.strictObject({
  Type: z.literal('Pass'),
  ...CommonStateFields,
  ...AssignFields,
  ...InputOutputPathFields,
  ...TransitionFields,
  Parameters: PayloadTemplateSchema.optional(),
  Result: z.json().optional(),
  ResultPath: z.string().nullable().optional(),
});

/** Choice: the first matching rule's `Next`, else `Default`; no `Next`/`End` of its own. */
export const ChoiceStateSchema = z.strictObject({
  Type: z.literal('Choice'),
  ...CommonStateFields,
  ...AssignFields,
  ...InputOutputPathFields,
  Choices: z.array(ChoiceRuleSchema).min(1, { error: 'Value cannot be empty' }),
  Default: z.string().optional(),
});

/** Wait: exactly one of `Seconds`, `Timestamp`, `SecondsPath`, `TimestampPath`. */
export const WaitStateSchema = z.strictObject({
  Type: z.literal('Wait'),
  ...CommonStateFields,
  ...AssignFields,
  ...InputOutputPathFields,
  ...TransitionFields,
  Seconds: nonNegativeInteger('Seconds').optional(),
  Timestamp: TimestampSchema.optional(),
  SecondsPath: z.string().optional(),
  TimestampPath: z.string().optional(),
});

/** Succeed: ends the machine (or the branch/iteration) successfully. */
export const SucceedStateSchema = z.strictObject({
  Type: z.literal('Succeed'),
  ...CommonStateFields,
  ...InputOutputPathFields,
});

/** Fail: fails with `Error`/`Cause`, or `ErrorPath`/`CausePath` (reference path or intrinsic). */
export const FailStateSchema = z.strictObject({
  Type: z.literal('Fail'),
  ...CommonStateFields,
  Error: z.string().optional(),
  Cause: z.string().optional(),
  ErrorPath: z.string().optional(),
  CausePath: z.string().optional(),
});

/** Parallel: runs every branch of `Branches` (each a sub-machine) on the same input. */
export const ParallelStateSchema = z.strictObject({
  Type: z.literal('Parallel'),
  ...CommonStateFields,
  ...AssignFields,
  ...InputOutputPathFields,
  ...TransitionFields,
  ...ResultFields,
  ...ErrorHandlingFields,
  Parameters: PayloadTemplateSchema.optional(),
  get Branches() {
    return z.array(SubMachineSchema).min(1, { error: 'Value cannot be empty' });
  },
});

/**
 * Map: runs `ItemProcessor` (or the legacy `Iterator`) for each item of `ItemsPath` (or of an
 * `ItemReader`), shaping each item with `ItemSelector` (or the legacy `Parameters`).
 */
export const MapStateSchema = z.strictObject({
  Type: z.literal('Map'),
  ...CommonStateFields,
  ...AssignFields,
  ...InputOutputPathFields,
  ...TransitionFields,
  ...ResultFields,
  ...ErrorHandlingFields,
  ItemsPath: z.string().optional(),
  ItemSelector: ObjectTemplateSchema.optional(),
  Parameters: ObjectTemplateSchema.optional(),
  get ItemProcessor() {
    return ItemProcessorSchema.optional();
  },
  get Iterator() {
    return ItemProcessorSchema.optional();
  },
  MaxConcurrency: nonNegativeInteger('MaxConcurrency').optional(),
  MaxConcurrencyPath: z.string().optional(),
  ToleratedFailurePercentage: z
    .number()
    .min(0, { error: "The field 'ToleratedFailurePercentage' must be between 0 and 100" })
    .max(100, { error: "The field 'ToleratedFailurePercentage' must be between 0 and 100" })
    .optional(),
  ToleratedFailurePercentagePath: z.string().optional(),
  ToleratedFailureCount: nonNegativeInteger('ToleratedFailureCount').optional(),
  ToleratedFailureCountPath: z.string().optional(),
  ItemReader: ItemReaderSchema.optional(),
  ItemBatcher: ItemBatcherSchema.optional(),
  ResultWriter: ResultWriterSchema.optional(),
  // Length and characters are checked by the validator (AWS's INVALID_LABEL_NAME).
  Label: z.string().optional(),
});

/** Any state: a discriminated union on `Type`. */
export const StateSchema = z.discriminatedUnion('Type', [
  TaskStateSchema,
  PassStateSchema,
  ChoiceStateSchema,
  WaitStateSchema,
  SucceedStateSchema,
  FailStateSchema,
  ParallelStateSchema,
  MapStateSchema,
]);

/**
 * A (sub-)machine: `StartAt` and `States`, a closed scope (no `Next` crosses its boundary).
 * Parallel branches use it as is; it carries no `QueryLanguage` of its own (AWS rejects one).
 */
export const SubMachineSchema = z.strictObject({
  Comment: z.string().optional(),
  StartAt: z.string(),
  get States() {
    return z.record(z.string(), StateSchema);
  },
});

/** Map `ItemProcessor` (and the legacy `Iterator`): a sub-machine plus `ProcessorConfig`. */
export const ItemProcessorSchema = SubMachineSchema.extend({
  ProcessorConfig: ProcessorConfigSchema.optional(),
});

/** Any state. */
export type State = z.infer<typeof StateSchema>;
/** A Task state. */
export type TaskState = z.infer<typeof TaskStateSchema>;
/** A Pass state. */
export type PassState = z.infer<typeof PassStateSchema>;
/** A Choice state. */
export type ChoiceState = z.infer<typeof ChoiceStateSchema>;
/** A Wait state. */
export type WaitState = z.infer<typeof WaitStateSchema>;
/** A Succeed state. */
export type SucceedState = z.infer<typeof SucceedStateSchema>;
/** A Fail state. */
export type FailState = z.infer<typeof FailStateSchema>;
/** A Parallel state. */
export type ParallelState = z.infer<typeof ParallelStateSchema>;
/** A Map state. */
export type MapState = z.infer<typeof MapStateSchema>;
/** A Parallel branch. */
export type SubMachine = z.infer<typeof SubMachineSchema>;
/** A Map item processor. */
export type ItemProcessor = z.infer<typeof ItemProcessorSchema>;
