"""Data-subject rights: erasure, subject access and the retention schedule."""
