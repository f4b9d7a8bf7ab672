import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { validateDefinition } from '../../engine/core/validate';
import { DefinitionProblemCodeSchema } from '../../schemas/asl';

/**
 * The validation suite is data: `test/validation/invalid/<topic>/<name>.json` holds a definition
 * AWS rejects and the exact problems (code and JSON pointer, in order) we report for it;
 * `test/validation/valid/<name>.json` holds a definition AWS accepts, with `expected: []`.
 */

const SUITE_DIR = join(__dirname, '..', 'validation');
/** The suite's floor: fewer files means cases were lost, not that the validator got better. */
const MIN_INVALID_CASES = 110;
const MIN_VALID_CASES = 40;

const CaseSchema = z.strictObject({
  description: z.string().min(1),
  definition: z.unknown(),
  expected: z.array(
    z.strictObject({
      code: DefinitionProblemCodeSchema,
      path: z.string(),
      messageContains: z.string().min(1).optional(),
    }),
  ),
});
type Case = z.infer<typeof CaseSchema>;

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return jsonFilesUnder(full);
      return entry.name.endsWith('.json') ? [full] : [];
    })
    .sort();
}

function loadCase(file: string): Case {
  return CaseSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

const invalidFiles = jsonFilesUnder(join(SUITE_DIR, 'invalid')).map((f) => relative(SUITE_DIR, f));
const validFiles = jsonFilesUnder(join(SUITE_DIR, 'valid')).map((f) => relative(SUITE_DIR, f));

describe('validation suite', () => {
  test('holds at least the minimum number of cases when the directories are read', () => {
    expect(invalidFiles.length).toBeGreaterThanOrEqual(MIN_INVALID_CASES);
    expect(validFiles.length).toBeGreaterThanOrEqual(MIN_VALID_CASES);
  });

  test.each(invalidFiles)('reports exactly the expected problems when validating %s', (file) => {
    const suiteCase = loadCase(join(SUITE_DIR, file));
    expect(suiteCase.expected.length).toBeGreaterThan(0);
    const problems = validateDefinition(suiteCase.definition);
    expect(problems.map(({ code, path }) => ({ code, path }))).toEqual(
      suiteCase.expected.map(({ code, path }) => ({ code, path })),
    );
    suiteCase.expected.forEach((expected, i) => {
      if (expected.messageContains !== undefined) expect(problems[i]!.message).toContain(expected.messageContains);
    });
  });

  test.each(validFiles)('reports no problem when validating %s', (file) => {
    const suiteCase = loadCase(join(SUITE_DIR, file));
    expect(suiteCase.expected).toEqual([]);
    expect(validateDefinition(suiteCase.definition)).toEqual([]);
  });
});
