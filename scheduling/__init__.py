"""The clock process: APScheduler wiring and the jobs it fires."""
