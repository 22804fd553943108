/** Text from the user's file, shortened for a message: a 1 MB line must not become a 1 MB diagnostic. */
export function clip(text: string, max = 100): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
