import { z } from 'zod';
import { nonNegativeInteger, PayloadTemplateSchema, positiveInteger, ResourceArnSchema } from './fields';

/**
 * Map-only field schemas: `ProcessorConfig`, and the Distributed Map's `ItemReader`,
 * `ItemBatcher` and `ResultWriter`.
 */

/** `ProcessorConfig`: `Mode` INLINE (default) or DISTRIBUTED; `ExecutionType` for distributed children. */
export const ProcessorConfigSchema = z.strictObject({
  Mode: z.enum(['INLINE', 'DISTRIBUTED']).optional(),
  ExecutionType: z.enum(['STANDARD', 'EXPRESS']).optional(),
});
/** A Map processor configuration. */
export type ProcessorConfig = z.infer<typeof ProcessorConfigSchema>;

/** `ItemReader.ReaderConfig`: how a Distributed Map reads its items from S3. */
export const ReaderConfigSchema = z.strictObject({
  InputType: z.enum(['CSV', 'JSON', 'JSONL', 'PARQUET', 'MANIFEST']).optional(),
  CSVHeaderLocation: z.enum(['FIRST_ROW', 'GIVEN']).optional(),
  CSVHeaders: z.array(z.string()).optional(),
  CSVDelimiter: z.enum(['COMMA', 'PIPE', 'SEMICOLON', 'SPACE', 'TAB']).optional(),
  MaxItems: nonNegativeInteger('MaxItems').optional(),
  MaxItemsPath: z.string().optional(),
  ManifestType: z.enum(['ATHENA_DATA', 'S3_INVENTORY']).optional(),
  Transformation: z.enum(['NONE', 'LOAD_AND_FLATTEN']).optional(),
  ItemsPointer: z.string().optional(),
});

/** `ItemReader`: `Resource` (an S3 read API), its `Parameters` and `ReaderConfig`. */
export const ItemReaderSchema = z.strictObject({
  Resource: ResourceArnSchema,
  Parameters: PayloadTemplateSchema.optional(),
  ReaderConfig: ReaderConfigSchema.optional(),
});
/** A Distributed Map item reader. */
export type ItemReader = z.infer<typeof ItemReaderSchema>;

/** `ItemBatcher`: groups items into `{ BatchInput, Items }` child inputs. */
export const ItemBatcherSchema = z.strictObject({
  MaxItemsPerBatch: positiveInteger('MaxItemsPerBatch').optional(),
  MaxItemsPerBatchPath: z.string().optional(),
  MaxInputBytesPerBatch: positiveInteger('MaxInputBytesPerBatch').optional(),
  MaxInputBytesPerBatchPath: z.string().optional(),
  BatchInput: PayloadTemplateSchema.optional(),
});
/** A Distributed Map item batcher. */
export type ItemBatcher = z.infer<typeof ItemBatcherSchema>;

/** `ResultWriter`: where a Distributed Map writes its results (`Resource` + `Parameters` and/or `WriterConfig`). */
export const ResultWriterSchema = z.strictObject({
  Resource: ResourceArnSchema.optional(),
  Parameters: PayloadTemplateSchema.optional(),
  WriterConfig: z
    .strictObject({
      OutputType: z.enum(['JSON', 'JSONL']).optional(),
      Transformation: z.enum(['NONE', 'COMPACT', 'FLATTEN']).optional(),
    })
    .optional(),
});
/** A Distributed Map result writer. */
export type ResultWriter = z.infer<typeof ResultWriterSchema>;
