import { useId } from 'react';
import { Button, ErrorMessage, Loading } from '../../components/ui';
import { formatDate, useResource } from './use-api';

/** `GET /api/users/me/usage` (the gateway's UsageReport): today's (UTC) counters and the tier's limits. */
export interface UsageReport {
  day: string;
  requests: number;
  analyses: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  limits: { tier: string; requestsPerMinute: number; analysesPerMinute: number; dailyBudgetUsd: number };
  resetsAt: string;
}

const count = new Intl.NumberFormat();
/** Costs are fractions of a cent per call: four decimals, as the API's own messages print them. */
const usd = (value: number) => `$${value.toFixed(value >= 100 ? 2 : 4)}`;

function BudgetMeter({ spent, budget }: { spent: number; budget: number }) {
  const id = useId();
  const share = budget > 0 ? Math.min(100, (spent / budget) * 100) : 0;
  const text = `${usd(spent)} of ${usd(budget)} (${share.toFixed(1)}%)`;
  return (
    <div className="field usage-meter">
      <label htmlFor={id}>Today&apos;s spend against your daily budget</label>
      {/* low/high colour the meter as the budget runs out; the text says the same for everyone. */}
      <meter
        id={id}
        min={0}
        max={budget}
        low={budget * 0.75}
        high={budget * 0.9}
        optimum={0}
        value={Math.min(spent, budget)}
        aria-valuetext={text}
      />
      <p className={share >= 90 ? 'status-warn' : 'hint'}>
        {text}
        {spent >= budget && ' — the budget is used up; new analyses are refused until it resets.'}
      </p>
    </div>
  );
}

/** Today's usage: the budget as a meter, the counters as numbers, and when they start again. */
export function UsagePanel() {
  const usage = useResource<UsageReport>('/api/users/me/usage');
  const report = usage.data;
  if (usage.error && !report) return <ErrorMessage error={usage.error} />;
  if (!report) return <Loading label="Loading your usage…" />;
  const { limits } = report;
  return (
    <>
      <p className="hint">
        Figures for {report.day} (UTC) on the <strong>{limits.tier}</strong> tier. They start again at{' '}
        {formatDate(report.resetsAt)}. The API reports the current day only.
      </p>
      <BudgetMeter spent={report.costUsd} budget={limits.dailyBudgetUsd} />
      <div className="table-scroll">
        <table className="usage-table">
          <caption className="visually-hidden">Today&apos;s usage and your limits</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Today</th>
              <th scope="col">Limit</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Cost</th>
              <td>{usd(report.costUsd)}</td>
              <td>{usd(limits.dailyBudgetUsd)} a day</td>
            </tr>
            <tr>
              <th scope="row">Analyses</th>
              <td>{count.format(report.analyses)}</td>
              <td>{count.format(limits.analysesPerMinute)} a minute</td>
            </tr>
            <tr>
              <th scope="row">Requests</th>
              <td>{count.format(report.requests)}</td>
              <td>{count.format(limits.requestsPerMinute)} a minute</td>
            </tr>
            <tr>
              <th scope="row">Input tokens</th>
              <td>{count.format(report.inputTokens)}</td>
              <td>—</td>
            </tr>
            <tr>
              <th scope="row">Output tokens</th>
              <td>{count.format(report.outputTokens)}</td>
              <td>—</td>
            </tr>
          </tbody>
        </table>
      </div>
      <Button variant="secondary" onClick={usage.reload}>
        Refresh usage
      </Button>
    </>
  );
}
