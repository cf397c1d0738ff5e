import { type ModelCallResult, validJson, validText } from '@ultra/contracts';

/**
 * Makes a result storable before it leaves the worker: lone UTF-16 surrogates and NULs in the text, the parsed
 * data and the data error (which quotes the answer) become U+FFFD, counted in `repairedChars` (set only when some
 * were replaced). An error message may quote the provider's body, so it is repaired too, without counting: the
 * count is about the model's output. Postgres refuses such characters in text and jsonb, and no retry fixes them.
 * `alreadyRepaired` counts what the caller replaced before parsing (the text is repaired before it is parsed, so
 * that data only adds the invalid characters its JSON escapes produced).
 */
export function repairOutput(result: ModelCallResult, alreadyRepaired = 0): ModelCallResult {
  const text = result.text === null ? { text: null, repaired: 0 } : validText(result.text);
  const data = result.data ? validJson(result.data) : { value: result.data, repaired: 0 };
  const dataError = result.dataError ? validText(result.dataError) : { text: result.dataError, repaired: 0 };
  // Tool calls' arguments are model output too; an empty text beside them is a valid answer, not a failure.
  const toolCalls = result.toolCalls?.map((call) => {
    const args = validText(call.arguments);
    return { repaired: args.repaired, call: { ...call, arguments: args.text } };
  });
  const callsRepaired = toolCalls?.reduce((n, c) => n + c.repaired, 0) ?? 0;
  const repaired = alreadyRepaired + text.repaired + data.repaired + dataError.repaired + callsRepaired;
  const error = result.error && { ...result.error, message: validText(result.error.message).text };
  return {
    ...result,
    text: text.text,
    ...(result.data !== undefined && { data: data.value }),
    ...(result.dataError !== undefined && { dataError: dataError.text }),
    ...(toolCalls && { toolCalls: toolCalls.map((c) => c.call) }),
    error,
    ...(repaired > 0 && { repairedChars: (result.repairedChars ?? 0) + repaired }),
  };
}
