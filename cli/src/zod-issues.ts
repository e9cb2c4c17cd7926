import type { z } from 'zod';

/** `--strategy-version` for the option `strategyVersion`: how commander names a camel-case option's flag. */
export function flagOf(option: PropertyKey | undefined): string {
  return `--${String(option ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Every problem zod found, on one line: `name: message; name: message`. `nameOf` names the input a problem is about
 * (a flag, a query parameter) from the issue's path; by default the dotted path, or `input` for the input itself.
 */
export function describeIssues(
  error: z.ZodError,
  nameOf: (path: readonly PropertyKey[]) => string = (path) => path.map(String).join('.') || 'input',
): string {
  return error.issues.map((issue) => `${nameOf(issue.path)}: ${issue.message}`).join('; ');
}
