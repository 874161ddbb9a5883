"""Steering-group reporting: assessments, outcomes, the weekly digest and exports."""
