// Request validation lives with the HTTP error stack in libs/platform's http/; new code imports @ultra/platform.
export { problemsOf, summaryOf, validationFailed, ZodValidationPipe } from '@ultra/platform';
