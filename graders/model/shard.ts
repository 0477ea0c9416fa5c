/**
 * One shard of a class run, as the class room computes it and the summary
 * page reports it (graders/class/shard.ts says how students are split).
 */
export interface ShardSpec {
  /** 1-based, as people count shards ("shard 2 of 3"). */
  index: number;
  count: number;
  /** Which flag or environment variable gave the index. */
  source: string;
}
