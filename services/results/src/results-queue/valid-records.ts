import {
  type AnalysisFinishJob,
  type AnalysisTerminateJob,
  type ModelCallResult,
  type StageRecordJob,
  validJson,
  validText,
} from '@ultra/contracts';

/**
 * Defence in depth at the storage boundary: Postgres refuses lone UTF-16 surrogates and NUL in text and jsonb
 * ("invalid input syntax for type json"), and retrying never fixes such data. The provider-worker repairs model
 * text already; whatever still arrives broken is repaired here, and what an output needed is added to its count.
 */
export function validRecord(job: StageRecordJob): StageRecordJob {
  const record: StageRecordJob = {
    ...job,
    label: validText(job.label).text,
    outputs: job.outputs.map(validOutput),
  };
  if (job.aggregate) record.aggregate = validJson(job.aggregate).value;
  if (job.note) record.note = validText(job.note).text;
  return record;
}

export function validOutput(output: ModelCallResult): ModelCallResult {
  let repaired = 0;
  const text = <T extends string | null | undefined>(value: T): T => {
    if (typeof value !== 'string') return value;
    const fixed = validText(value);
    repaired += fixed.repaired;
    return fixed.text as T;
  };
  const valid: ModelCallResult = {
    ...output,
    text: text(output.text),
    error: output.error && { category: output.error.category, message: text(output.error.message) },
    finishReason: text(output.finishReason),
  };
  if (output.data) {
    const data = validJson(output.data);
    repaired += data.repaired;
    valid.data = data.value;
  }
  if (output.dataError !== undefined) valid.dataError = text(output.dataError);
  if (output.fallbackReason !== undefined) valid.fallbackReason = text(output.fallbackReason);
  if (output.toolCalls)
    valid.toolCalls = output.toolCalls.map((call) => ({ ...call, arguments: text(call.arguments) }));
  if (repaired > 0) valid.repairedChars = (output.repairedChars ?? 0) + repaired;
  return valid;
}

/** A finish's result (text and data) and error, storable. */
export function validFinish(job: AnalysisFinishJob): AnalysisFinishJob {
  return {
    ...job,
    result: job.result && {
      ...job.result,
      text: validText(job.result.text).text,
      data: validJson(job.result.data).value,
      ...(job.result.toolCalls && {
        toolCalls: job.result.toolCalls.map((call) => ({ ...call, arguments: validText(call.arguments).text })),
      }),
    },
    error: job.error && { code: validText(job.error.code).text, message: validText(job.error.message).text },
  };
}

export function validTerminate(job: AnalysisTerminateJob): AnalysisTerminateJob {
  return { ...job, code: validText(job.code).text, message: validText(job.message).text };
}
