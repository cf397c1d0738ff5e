import { ApiErrorCode } from '@ultra/contracts';
import { ApiException, type Problem } from '../common/api-exception';
import { summaryOf } from '../common/zod-validation.pipe';

/** A pattern document that fails its checks; `details` name each field. */
export class InvalidPatternException extends ApiException {
  constructor(problems: Problem[]) {
    super(ApiErrorCode.InvalidPattern, `invalid pattern: ${summaryOf(problems)}`, problems);
  }
}

/** Creating a pattern under an id the caller or a built-in already uses. */
export class PatternExistsException extends ApiException {
  constructor(id: string, builtin: boolean) {
    super(
      ApiErrorCode.PatternExists,
      builtin
        ? `"${id}" is a built-in pattern; choose another id`
        : `you already have a pattern "${id}"; change it with PUT /api/patterns/${id}`,
    );
  }
}

/** Changing or deleting a built-in pattern, which belongs to the installation rather than to any user. */
export class BuiltinPatternException extends ApiException {
  constructor(id: string) {
    super(
      ApiErrorCode.PatternExists,
      `"${id}" is a built-in pattern and cannot be changed or deleted; copy it under a new id with POST /api/patterns`,
    );
  }
}

/** Another user's pattern is reported exactly like a missing one. */
export class PatternNotFoundException extends ApiException {
  constructor(id: string) {
    super(ApiErrorCode.NotFound, `pattern ${JSON.stringify(id)} not found`);
  }
}
