/**
 * JSONata expression strings as Step Functions writes them: a JSON string value that is exactly
 * `"{% <expression> %}"`. Any other string is a literal (so `"$x"` stays `"$x"` in a JSONata state).
 */

/** Opens a JSONata expression inside a JSON string. */
export const EXPRESSION_OPEN = '{%';
/** Closes a JSONata expression inside a JSON string. */
export const EXPRESSION_CLOSE = '%}';

/** True when `value` is a string of the form `{% … %}` (no characters outside the delimiters). */
export function isExpressionString(value: unknown): value is string {
  return typeof value === 'string' && isDelimited(value);
}

function isDelimited(value: string): boolean {
  return (
    value.length >= EXPRESSION_OPEN.length + EXPRESSION_CLOSE.length &&
    value.startsWith(EXPRESSION_OPEN) &&
    value.endsWith(EXPRESSION_CLOSE)
  );
}

/** The expression inside `{% … %}`, without the surrounding blanks (as AWS quotes it in causes). */
export function expressionText(template: string): string {
  return template.slice(EXPRESSION_OPEN.length, template.length - EXPRESSION_CLOSE.length).trim();
}

/**
 * Why a string that looks like an expression is not one, or undefined. Only a string that starts
 * with `{%` and ends with `%}` is an expression; one with blanks around the delimiters is a
 * literal, as AWS keeps it (`" {% 1 %} "` stays that string); a missing `%}` is a definition error.
 */
export function expressionStringProblem(value: string): string | undefined {
  if (isDelimited(value)) {
    return expressionText(value) === '' ? 'The JSONata expression is empty' : undefined;
  }
  if (value.startsWith(EXPRESSION_OPEN))
    return `A JSONata expression that starts with '${EXPRESSION_OPEN}' must end with '${EXPRESSION_CLOSE}'`;
  return undefined;
}
