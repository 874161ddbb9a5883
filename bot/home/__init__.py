"""The App Home tab, the status summary and the command catalogue."""
