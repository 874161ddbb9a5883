"""cohortbot: the Slack bot that runs cohort-based leadership development programmes."""
