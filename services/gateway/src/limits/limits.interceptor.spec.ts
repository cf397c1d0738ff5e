import { NotFoundException } from '@nestjs/common';
import { ApiErrorCode } from '@ultra/contracts';
import { ApiException } from '../common/api-exception';
import { refusedAsGiven } from './limits.interceptor';

describe('refusedAsGiven: which failed analysis requests give their analyses/min point back', () => {
  it.each([
    ['bad input', new ApiException(ApiErrorCode.ValidationFailed, 'prompt: required')],
    ['an unknown model', new ApiException(ApiErrorCode.UnknownModel, 'unknown model "mock:nope"')],
    ['a route-level 404', new NotFoundException()],
  ])('%s: yes, nothing started', (_case, error) => {
    expect(refusedAsGiven(error)).toBe(true);
  });

  it.each([
    ['an analysis that ran and failed (502)', new ApiException(ApiErrorCode.AnalysisFailed, 'analysis x failed')],
    ['a stream that ended early (503)', new ApiException(ApiErrorCode.ServiceUnavailable, 'ended early')],
    ['an unexpected error (500)', new Error('boom')],
  ])('%s: no, an analysis may have run', (_case, error) => {
    expect(refusedAsGiven(error)).toBe(false);
  });
});
