import type { ItemReader, ResultWriter } from '../../../../schemas/asl/map-fields';
import { resolveMaxItems } from '../../items/reader-config';
import { resultWriterFormat } from '../../items/results';
import { jsonataScope, type MapItems } from '../flow';
import type { MapItemReader, MapResultWriter, MapRunRequest } from '../map-run';
import { readField } from '../path-fields';
import type { StateIO } from '../pipeline';
import type { Scope, StateDef } from '../scope';
import { batchLimits, type ItemShaping } from './map-items';
import { resolvedMapFields } from './map-jsonata';

/** The ItemReader's or ResultWriter's request fields: `Parameters` (JSONPath) or `Arguments` (JSONata). */
function requestTemplate(field: { Parameters?: unknown }): unknown {
  return (field as { Arguments?: unknown }).Arguments ?? field.Parameters;
}

/**
 * A Distributed Map with `ItemReader`, evaluated in the workflow (pure evaluation, no I/O): the
 * reader's `Parameters`/`Arguments` (`Bucket`, `Key`, `Prefix`…), `ReaderConfig.MaxItems[Path]`,
 * and how each item read becomes a child's input (`ItemSelector`, `ItemBatcher` with its
 * `BatchInput`). The Map Run's materialize activity reads the items and applies the shaping; the
 * items never pass through the workflow.
 */
export async function readerItems(io: StateIO): Promise<MapItems & { reader: MapItemReader }> {
  const { e, flow, effective } = io;
  const { state, ctx, variables } = e;
  const reader = state.ItemReader as ItemReader;
  const jsonata = flow.language === 'JSONata';
  const config: StateDef = jsonata ? await resolvedMapFields(state, jsonataScope(e)) : state;
  const template = requestTemplate(reader);
  const args = template === undefined ? {} : await flow.template(e, template, effective, 'ItemReader/Parameters');
  const maxItems = resolveMaxItems(reader.ReaderConfig, (path) => readField(path, effective, ctx, variables));
  let batcher: ItemShaping['batcher'];
  if (config.ItemBatcher !== undefined) {
    const batchInput = (config.ItemBatcher as StateDef).BatchInput;
    batcher = {
      ...batchLimits(config, effective, ctx, variables),
      ...(batchInput === undefined
        ? {}
        : {
            batchInput: jsonata ? batchInput : await flow.template(e, batchInput, effective, 'ItemBatcher/BatchInput'),
          }),
    };
  }
  const selector = jsonata ? state.ItemSelector : (state.ItemSelector ?? state.Parameters);
  const shaping: ItemShaping = {
    language: flow.language,
    ...(selector !== undefined ? { selector } : {}),
    input: jsonata ? e.input : effective,
    ctx,
    variables,
    ...(batcher ? { batcher } : {}),
  };
  return {
    items: [],
    inputs: [],
    config,
    reader: { reader, arguments: args, ...(maxItems !== undefined ? { maxItems } : {}), shaping },
  };
}

/**
 * A `ResultWriter` that writes to S3 (`Resource` `arn:aws:states:::s3:putObject`), its
 * `Parameters`/`Arguments` (`Bucket`, `Prefix`) evaluated against the state's input; undefined
 * for a `WriterConfig`-only writer (the results stay in the state's output).
 */
export async function writerTarget(io: StateIO): Promise<MapResultWriter | undefined> {
  const writer = io.e.state.ResultWriter as ResultWriter | undefined;
  if (writer?.Resource === undefined) return undefined;
  const template = requestTemplate(writer);
  const args =
    template === undefined ? {} : await io.flow.template(io.e, template, io.effective, 'ResultWriter/Parameters');
  return { writer, arguments: args };
}

/**
 * A `ResultWriter` with only `WriterConfig` (no `Resource`): AWS applies its `Transformation`
 * (default `COMPACT`) and `OutputType` (default `JSON`) to the state's result instead of writing
 * to S3. `{resultFormat}` for the Map Run request, or nothing when the state has no such writer or
 * runs in an execution recorded when the writer was ignored (the host is asked only then).
 */
export function writerFormat(state: StateDef, scope: Scope): { resultFormat?: MapRunRequest['resultFormat'] } {
  const writer = state.ResultWriter as ResultWriter | undefined;
  if (writer === undefined || writer.Resource !== undefined || writer.WriterConfig === undefined) return {};
  if (scope.run.host.mapRuns?.writerConfig?.() !== true) return {};
  return { resultFormat: resultWriterFormat(writer) };
}
