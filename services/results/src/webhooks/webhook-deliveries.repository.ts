import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AnalysisStatus } from '@ultra/contracts';
import { DataSource } from 'typeorm';

/** What a delivery needs of its analysis. */
export interface WebhookTarget {
  userId: string;
  status: AnalysisStatus;
  callbackUrl: string | null;
  attempts: number;
  deliveredAt: Date | null;
}

/** One attempt's outcome: the receiver's status (null without an answer) and, unless it was 2xx, why it failed. */
export interface WebhookAttempt {
  status: number | null;
  error: string | null;
}

/** The delivery columns of the analyses table (callback_url, webhook_*). */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async targetOf(analysisId: string): Promise<WebhookTarget | null> {
    const rows = await this.dataSource.query<WebhookTarget[]>(
      `SELECT user_id AS "userId", status, callback_url AS "callbackUrl", webhook_attempts AS "attempts",
              webhook_delivered_at AS "deliveredAt"
         FROM analyses WHERE id = $1`,
      [analysisId],
    );
    return rows[0] ?? null;
  }

  /** Counts the attempt and keeps its outcome; a 2xx also records when the analysis was delivered. */
  async recordAttempt(analysisId: string, attempt: WebhookAttempt): Promise<void> {
    await this.dataSource.query(
      `UPDATE analyses
          SET webhook_attempts = webhook_attempts + 1, webhook_last_status = $2, webhook_last_error = $3,
              webhook_delivered_at = CASE WHEN $3::text IS NULL THEN now() ELSE webhook_delivered_at END
        WHERE id = $1`,
      [analysisId, attempt.status, attempt.error],
    );
  }
}
