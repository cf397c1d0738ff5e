// The HTTP error stack (codes, statuses, the one filter) is libs/platform's http/; new code imports @ultra/platform.
export {
  ApiException,
  isApiErrorCode,
  type Problem,
  ServiceUnavailableException,
  statusOfCode,
  ValidationFailedException,
} from '@ultra/platform';
