"""Evaluations: forms, requests, answers, results, commitments and exports."""
