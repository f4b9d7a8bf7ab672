import { compileExpression, JsonataSyntaxError, walkAst, type AstNode } from './parse';
import { expressionStringProblem, expressionText, isExpressionString } from './template';

/** The fields of `$states`. */
export const STATES_FIELDS = ['input', 'context', 'result', 'errorOutput'] as const;
/** A field of `$states`. */
export type StatesField = (typeof STATES_FIELDS)[number];

/** Functions Step Functions removes from JSONata. */
const REMOVED_FUNCTIONS = new Set(['eval']);

/** What a definition-time look at one expression found. */
export interface ExpressionFacts {
  /** The `$states` fields it reads (`$states` alone reads all of them). */
  statesFields: Set<StatesField | '*'>;
  /** Names of variables it reads, other than `$states` and names it binds itself. */
  variables: Set<string>;
}

function pathStatesField(node: AstNode): string | undefined {
  const [first, second] = node.steps as AstNode[];
  if (first?.type !== 'variable' || first.value !== 'states') return undefined;
  return second?.type === 'name' ? String(second.value) : '*';
}

/**
 * Parses `text` and collects what validation needs: the `$states` fields and variables it
 * reads. Throws JsonataSyntaxError for a syntax error, a removed function (`$eval`), an unknown
 * `$states` field, or a reference to `$`/`$$` (Step Functions has no input document: use
 * `$states.input`).
 */
export function inspectExpression(text: string): ExpressionFacts {
  const ast = compileExpression(text).ast() as unknown as AstNode;
  const facts: ExpressionFacts = { statesFields: new Set(), variables: new Set() };
  const bound = new Set<string>();
  const pathHeads = new Set<AstNode>();
  walkAst(ast, (node) => {
    if (node.type === 'bind' && node.lhs?.type === 'variable') bound.add(String(node.lhs.value));
    if (node.type === 'lambda') for (const arg of (node.arguments ?? []) as AstNode[]) bound.add(String(arg.value));
    if (
      node.type === 'function' &&
      node.procedure?.type === 'variable' &&
      REMOVED_FUNCTIONS.has(node.procedure.value)
    ) {
      throw new JsonataSyntaxError(
        'SF0002',
        `The function $${node.procedure.value} is not available in Step Functions`,
      );
    }
    if (node.type === 'path' && Array.isArray(node.steps)) {
      const field = pathStatesField(node);
      if (field !== undefined) {
        pathHeads.add(node.steps[0]);
        if (field !== '*' && !(STATES_FIELDS as readonly string[]).includes(field)) {
          throw new JsonataSyntaxError(
            'SF0003',
            `'$states.${field}' is not a field of $states (${STATES_FIELDS.join(', ')})`,
          );
        }
        facts.statesFields.add(field as StatesField | '*');
      }
    }
  });
  // `$` inside a filter predicate or a later path step is the context item, which JSONata
  // defines there (`$states.result[$ = 1]`): only a `$` with no context item is refused.
  const contextual = new Set<AstNode>();
  const markContextual = (tree: unknown) =>
    walkAst(tree, (inner) => {
      if (inner.type === 'variable' && inner.value === '') contextual.add(inner);
    });
  walkAst(ast, (node) => {
    for (const stage of [...((node.stages as AstNode[]) ?? []), ...((node.predicate as AstNode[]) ?? [])])
      markContextual(stage);
    if (node.type === 'path' && Array.isArray(node.steps))
      for (const step of (node.steps as AstNode[]).slice(1)) markContextual(step);
  });
  walkAst(ast, (node) => {
    if (node.type !== 'variable') return;
    const name = String(node.value);
    if (name === '' && contextual.has(node)) return;
    if (name === '' || name === '$') {
      throw new JsonataSyntaxError(
        'SF0004',
        `'$${name}' cannot be used in Step Functions; read the state input with $states.input`,
      );
    }
    if (name === 'states') {
      if (!pathHeads.has(node)) facts.statesFields.add('*');
      return;
    }
    if (!bound.has(name)) facts.variables.add(name);
  });
  return facts;
}

/** One JSONata problem found in a field value: where (segments below the field) and what. */
export interface TemplateProblem {
  at: Array<string | number>;
  message: string;
  facts?: undefined;
}

/** One expression found in a field value, with what it reads. */
export interface TemplateExpression {
  at: Array<string | number>;
  text: string;
  facts: ExpressionFacts;
}

/**
 * Every `{% %}` string of a JSONata field value, at any depth: its facts, or the problem with it
 * (malformed delimiters, syntax errors).
 */
export function inspectTemplate(
  template: unknown,
  at: Array<string | number> = [],
): { expressions: TemplateExpression[]; problems: TemplateProblem[] } {
  const found = { expressions: [] as TemplateExpression[], problems: [] as TemplateProblem[] };
  const visit = (value: unknown, path: Array<string | number>): void => {
    if (typeof value === 'string') {
      const malformed = expressionStringProblem(value);
      if (malformed) {
        found.problems.push({ at: path, message: malformed });
      } else if (isExpressionString(value)) {
        const text = expressionText(value);
        try {
          found.expressions.push({ at: path, text, facts: inspectExpression(text) });
        } catch (err) {
          if (!(err instanceof JsonataSyntaxError)) throw err;
          found.problems.push({ at: path, message: `The JSONata expression '${text}' is not valid: ${err.message}` });
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, i]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(template, at);
  return found;
}
