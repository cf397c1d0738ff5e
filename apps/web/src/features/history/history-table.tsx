import type { AnalysisSummary } from '@ultra/contracts';
import { Link } from 'react-router-dom';
import { excerptOf, formatCost, formatDate } from './history-query';

const statusClass: Record<string, string> = {
  completed: 'status-ok',
  running: 'status-warn',
  queued: 'status-warn',
  failed: 'status-error',
};

export function HistoryTable({ analyses }: { analyses: AnalysisSummary[] }) {
  return (
    <div className="table-scroll">
      <table className="history-table">
        <caption className="visually-hidden">Your analyses, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Prompt</th>
            <th scope="col">Pattern</th>
            <th scope="col">Models</th>
            <th scope="col">Status</th>
            <th scope="col">Cost</th>
            <th scope="col">Date</th>
          </tr>
        </thead>
        <tbody>
          {analyses.map((a) => (
            <tr key={a.id}>
              <td data-label="Prompt">
                <Link to={`/analyses/${a.id}`}>{excerptOf(a.prompt)}</Link>
              </td>
              <td data-label="Pattern">{a.pattern}</td>
              <td data-label="Models">
                <ul className="history-models">
                  {a.models.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              </td>
              <td data-label="Status" className={statusClass[a.status]}>
                {a.status}
              </td>
              <td data-label="Cost">{formatCost(a.usage.costUsd)}</td>
              <td data-label="Date">
                <time dateTime={a.createdAt}>{formatDate(a.createdAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
