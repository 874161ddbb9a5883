"""The Slack layer: the Bolt app, WSGI server, Web API client, manifest, Block Kit builders and ids."""
