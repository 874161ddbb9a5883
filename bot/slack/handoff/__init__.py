"""Hand-off: the web process acknowledges, a worker process does the work.

The web process's threads share one interpreter lock, so a listener's database queries, rendering
and Slack calls after its acknowledgement took turns with the acknowledgement of every request
that arrived meanwhile (README, Benchmarks). Requests whose acknowledgement is known before any
work (events, and the buttons and subcommands that say so) are instead written to the database as
received, acknowledged at once, and replayed through the same listeners by a worker process
(`cohortbot worker`, which `cohortbot serve` starts beside itself). Written before the answer to
Slack, the work survives a restart of either process.
"""
