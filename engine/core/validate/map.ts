import { DefinitionProblemCodes, MAP_LABEL_MAX_LENGTH, type DefinitionProblem } from '../../../schemas/asl';
import { schemaProblem } from './problem';
import { childPointer, isJsonObject, type JsonObject } from './walk';

/**
 * Cross-field rules of a Map state: an `ItemProcessor` (or legacy `Iterator`) is required;
 * `ProcessorConfig.ExecutionType` is required in DISTRIBUTED mode and refused in INLINE mode;
 * the Distributed Map fields `ItemReader`, `ItemBatcher`, `ResultWriter` and `Label` are refused
 * on an INLINE Map; `ResultWriter` needs `Resource` with `Parameters` (JSONata: `Arguments`), or
 * `WriterConfig`; `Label` is a short name without special characters; and `X`/`XPath` twins
 * inside `ItemBatcher` and `ReaderConfig` exclude each other.
 */

/**
 * Fields that only a Map whose `ProcessorConfig.Mode` is DISTRIBUTED accepts, in report order.
 * `ToleratedFailure…` is not among them: AWS accepts (and ignores) it on an INLINE Map.
 */
export const DISTRIBUTED_ONLY_FIELDS = ['ItemReader', 'ItemBatcher', 'ResultWriter', 'Label'] as const;

/**
 * What a Map Run `Label` may not contain (AWS's naming rule for Map Run labels): whitespace,
 * brackets `< > { } [ ]`, wildcards `? *`, the characters `" # % \ ^ | ~ \` $ & , ; : /`, and
 * control characters.
 */
const LABEL_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

function exclusive(object: JsonObject, pointer: string, pairs: Array<[string, string]>): DefinitionProblem[] {
  return pairs
    .filter(([a, b]) => object[a] !== undefined && object[b] !== undefined)
    .map(([a, b]) => schemaProblem(pointer, `Fields '${a}' and '${b}' cannot both be set`));
}

/** The processor's `ProcessorConfig` (raw), from `ItemProcessor` or else `Iterator`. */
function processorConfigOf(state: JsonObject): JsonObject | undefined {
  const processor = isJsonObject(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
  return isJsonObject(processor) && isJsonObject(processor.ProcessorConfig) ? processor.ProcessorConfig : undefined;
}

function processorField(state: JsonObject): 'ItemProcessor' | 'Iterator' {
  return state.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator';
}

/** `ProcessorConfig.ExecutionType`: required when `Mode` is DISTRIBUTED, refused otherwise. */
function checkProcessorConfig(state: JsonObject, pointer: string): DefinitionProblem[] {
  const config = processorConfigOf(state);
  if (!config) return [];
  const at = childPointer(pointer, processorField(state), 'ProcessorConfig');
  if (config.Mode === 'DISTRIBUTED' && config.ExecutionType === undefined) {
    return [schemaProblem(at, 'These fields are required: [ExecutionType]')];
  }
  if (config.Mode !== 'DISTRIBUTED' && config.ExecutionType !== undefined) {
    return [
      schemaProblem(
        childPointer(at, 'ExecutionType'),
        "Field 'ExecutionType' is only supported when 'Mode' is 'DISTRIBUTED'",
      ),
    ];
  }
  return [];
}

function checkDistributedOnly(state: JsonObject, pointer: string): DefinitionProblem[] {
  if (processorConfigOf(state)?.Mode === 'DISTRIBUTED') return [];
  return DISTRIBUTED_ONLY_FIELDS.filter((field) => state[field] !== undefined).map((field) =>
    schemaProblem(
      childPointer(pointer, field),
      `Field '${field}' is only supported when the Map's 'ProcessorConfig' 'Mode' is 'DISTRIBUTED'`,
    ),
  );
}

/**
 * `ResultWriter`: `Resource` and its request — `Parameters`, or `Arguments` in a JSONata state —
 * go together; without them, `WriterConfig` is required.
 */
function checkResultWriter(writer: unknown, pointer: string): DefinitionProblem[] {
  if (!isJsonObject(writer)) return [];
  const at = childPointer(pointer, 'ResultWriter');
  const request = writer.Parameters ?? writer.Arguments;
  if (writer.Resource !== undefined && request === undefined)
    return [schemaProblem(at, 'These fields are required: [Parameters]')];
  if (writer.Resource === undefined && request !== undefined)
    return [schemaProblem(at, 'These fields are required: [Resource]')];
  if (writer.Resource === undefined && writer.WriterConfig === undefined) {
    return [schemaProblem(at, "A ResultWriter needs 'Resource' and 'Parameters', or 'WriterConfig'")];
  }
  return [];
}

/** A Map Run `Label`: 1 to {@link MAP_LABEL_MAX_LENGTH} characters, none of them forbidden. */
function checkLabel(label: unknown, pointer: string): DefinitionProblem[] {
  if (typeof label !== 'string') return [];
  const at = childPointer(pointer, 'Label');
  const length = [...label].length;
  if (length < 1 || length > MAP_LABEL_MAX_LENGTH) {
    return [
      {
        code: DefinitionProblemCodes.INVALID_LABEL_NAME,
        path: at,
        message: `The field 'Label' must be between 1 and ${MAP_LABEL_MAX_LENGTH} characters long`,
      },
    ];
  }
  if (LABEL_FORBIDDEN.test(label)) {
    return [
      {
        code: DefinitionProblemCodes.INVALID_LABEL_NAME,
        path: at,
        message:
          "The field 'Label' must not contain whitespace, brackets, wildcards, the characters \" # % \\ ^ | ~ ` $ & , ; : / or control characters",
      },
    ];
  }
  return [];
}

/** Every cross-field problem of one Map state (raw). */
export function checkMap(state: JsonObject, pointer: string): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  if (state.ItemProcessor === undefined && state.Iterator === undefined) {
    problems.push(schemaProblem(pointer, 'These fields are required: [ItemProcessor]'));
  }
  problems.push(...checkProcessorConfig(state, pointer), ...checkDistributedOnly(state, pointer));
  if (isJsonObject(state.ItemBatcher)) {
    problems.push(
      ...exclusive(state.ItemBatcher, childPointer(pointer, 'ItemBatcher'), [
        ['MaxItemsPerBatch', 'MaxItemsPerBatchPath'],
        ['MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'],
      ]),
    );
  }
  const reader = state.ItemReader;
  if (isJsonObject(reader) && isJsonObject(reader.ReaderConfig)) {
    problems.push(
      ...exclusive(reader.ReaderConfig, childPointer(pointer, 'ItemReader', 'ReaderConfig'), [
        ['MaxItems', 'MaxItemsPath'],
      ]),
    );
  }
  problems.push(...checkResultWriter(state.ResultWriter, pointer), ...checkLabel(state.Label, pointer));
  return problems;
}
