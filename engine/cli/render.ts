/** Terminal colours, off when the output is not a terminal or NO_COLOR is set. */
export function palette(enabled: boolean) {
  const wrap = (code: number) => (text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { red: wrap(31), green: wrap(32), yellow: wrap(33), blue: wrap(34), dim: wrap(2), bold: wrap(1) };
}

export type Palette = ReturnType<typeof palette>;

/** One history event as a timeline line: time offset, event, state, and what matters in it. */
export function timelineLine(event: any, startMs: number, colours: Palette): string {
  const offset = ((Date.parse(event.timestamp) - startMs) / 1000).toFixed(3).padStart(9);
  const details = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] as
    Record<string, any> | undefined;
  const type: string = event.type;
  const colour = /Failed|TimedOut|Aborted/.test(type)
    ? colours.red
    : /Succeeded|Exited/.test(type)
      ? colours.green
      : /Entered|Started|Scheduled/.test(type)
        ? colours.blue
        : (s: string) => s;
  const name = details?.name ? ` ${colours.bold(String(details.name))}` : '';
  const error = details?.error
    ? ` ${colours.red(`${details.error}${details.cause ? `: ${String(details.cause).slice(0, 200)}` : ''}`)}`
    : '';
  return `${colours.dim(`+${offset}s`)} ${colours.dim(`#${String(event.id).padStart(3)}`)} ${colour(type)}${name}${error}`;
}
