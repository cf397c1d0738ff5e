import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DailySpend } from '@ultra/platform';
import { DataSource } from 'typeorm';

/** What a user's model outputs stored in one UTC day used: the authority behind the Redis usage counter. */
@Injectable()
export class UsageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async spendOf(userId: string, dayStart: Date, dayEnd: Date): Promise<DailySpend> {
    // An analysis that stored an output that day was updated that day: the user's index narrows the join.
    const [row] = await this.dataSource.query<{ input: string; output: string; cost: number }[]>(
      `SELECT coalesce(sum(o.input_tokens), 0)::bigint AS input, coalesce(sum(o.output_tokens), 0)::bigint AS output,
              coalesce(sum(o.cost_usd), 0)::float8 AS cost
         FROM analyses a
         JOIN stage_outputs o ON o.analysis_id = a.id
        WHERE a.user_id = $1 AND a.updated_at >= $2 AND o.created_at >= $2 AND o.created_at < $3`,
      [userId, dayStart, dayEnd],
    );
    return { inputTokens: Number(row?.input ?? 0), outputTokens: Number(row?.output ?? 0), costUsd: row?.cost ?? 0 };
  }
}
