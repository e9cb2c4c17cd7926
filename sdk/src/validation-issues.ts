import type { z } from 'zod';

/** One line naming every problem zod found: `path: message; path: message` (the root is called `whole`). */
export function describeIssues(error: z.ZodError, whole = 'options'): string {
  return error.issues.map((issue) => `${issue.path.join('.') || whole}: ${issue.message}`).join('; ');
}
