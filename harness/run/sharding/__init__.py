"""A run split among workers: local worker processes or Ray tasks, their shard logs merged into one.

This package builds on the single-process pipeline (the plan, the one call into inspect, log
discovery, resume) and nothing there imports it back: `execute` picks it when the plan's
execution is sharded. `run_sharded` is its entry point (`_run`); `_shards` cuts the samples,
`_worker` runs one shard in any process, `_workers` and `_ray` are the two executors, `_merge`
writes the merged log, `_progress` shows one display for all workers.
"""
