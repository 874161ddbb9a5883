"""The steering group's weekly digest: its figures, and (helper modules) its rendering and schedule."""
