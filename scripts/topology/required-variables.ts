/** The variables a compose file requires to be set: `${NAME:?message}` and `${NAME?message}`, sorted. */
export function requiredVariables(composeText: string): string[] {
  return [
    ...new Set([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((match) => match[1] as string)),
  ].sort();
}
