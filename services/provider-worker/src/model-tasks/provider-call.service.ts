import { Injectable } from '@nestjs/common';
import { type ModelCallJob, type ModelCallResult, parseModelJson, validText } from '@ultra/contracts';
import { secondsSince } from '@ultra/platform';
import { SamplingPolicyService } from '../catalog/sampling-policy.service';
import { providerMetrics } from '../metrics/provider-metrics';
import type { CallRoute } from '../provider-keys/call-router.service';
import { UserProviders } from '../provider-keys/user-providers.service';
import type { DeltaSink } from '../streaming/delta-publisher.service';
import { PricingService } from '../usage/pricing.service';
import { repairOutput } from './output-repair';

/**
 * The parsed JSON of a stage that asked for json output, or why it could not be read; nothing for text output.
 * A parse failure does not fail the call: the text is kept and the aggregate reports the model as unparsed.
 */
function parsedOutput(
  call: ModelCallJob,
  text: string,
  finishReason: string | null,
): Pick<ModelCallResult, 'data' | 'dataError'> {
  const output = call.options.output;
  if (output?.format !== 'json') return {};
  const parsed = parseModelJson(text, output.schema);
  if (parsed.ok) return { data: parsed.data, dataError: null };
  const cut = finishReason === 'length' ? ' (the answer was cut off at the output token limit)' : '';
  return { data: null, dataError: `${parsed.error}${cut}` };
}

/**
 * One call to one model's provider for a task: the answer with its cost (at the price of the model that answered),
 * its parsed data, and every string made valid text. Failures are thrown as they come; the caller names them.
 */
@Injectable()
export class ProviderCallService {
  constructor(
    private readonly users: UserProviders,
    private readonly pricing: PricingService,
    private readonly sampling: SamplingPolicyService,
  ) {}

  /** `model` is the model called: the task's, or a fallback answering in its place; `route` its client. */
  async complete(
    call: ModelCallJob,
    model: string,
    route: CallRoute,
    signal: AbortSignal,
    sink: DeltaSink | undefined,
  ): Promise<ModelCallResult> {
    const { provider, model: name, userBaseUrl } = route;
    if (userBaseUrl) await this.users.checkBaseUrl(model, userBaseUrl);
    // Time to first token is seen only on streamed calls: a whole answer has no first token to time.
    const started = performance.now();
    let firstSeen = false;
    const onDelta =
      sink &&
      ((text: string) => {
        if (!firstSeen) {
          firstSeen = true;
          providerMetrics.firstToken(provider.id, model, secondsSince(started));
        }
        sink.push(text);
      });
    const response = await provider.complete(
      {
        model: name,
        messages: call.messages,
        temperature: this.sampling.temperatureFor(model, call.options.temperature),
        maxOutputTokens: call.options.maxOutputTokens,
        output: call.options.output,
        stream: sink !== undefined,
        ...(call.options.tools?.length && { tools: call.options.tools }),
        ...(call.options.tools?.length && call.options.toolChoice && { toolChoice: call.options.toolChoice }),
      },
      signal,
      { onDelta },
    );
    // Repaired before parsing, so the data's count only adds what its JSON escapes produced.
    const text = validText(response.text);
    return repairOutput(
      {
        model: call.model,
        sample: call.sample,
        status: 'completed',
        ...response,
        text: text.text,
        usage: { ...response.usage, costUsd: this.pricing.costOf(model, response.usage) },
        error: null,
        latencyMs: 0,
        ...parsedOutput(call, text.text, response.finishReason),
      },
      text.repaired,
    );
  }
}
