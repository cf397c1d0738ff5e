import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { type Problem, ValidationFailedException } from './api-exception';

/** Zod issues as `{path, message}` pairs; the root is called `body` so a missing body reads sensibly. */
export function problemsOf(error: z.ZodError, root = 'body'): Problem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : root,
    message: issue.message,
  }));
}

/** One readable line; a problem whose message does not already name its field is prefixed with the path. */
export function summaryOf(problems: readonly Problem[]): string {
  return problems
    .map((p) => (p.message.startsWith(p.path.split('.')[0] ?? p.path) ? p.message : `${p.path}: ${p.message}`))
    .join('; ');
}

export function validationFailed(error: z.ZodError, root = 'body'): ValidationFailedException {
  const problems = problemsOf(error, root);
  return new ValidationFailedException(summaryOf(problems), problems);
}

/** Parses a body or query with a zod schema, so handlers only ever see validated, typed values. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly root = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value);
    if (!parsed.success) throw validationFailed(parsed.error, this.root);
    return parsed.data;
  }
}
