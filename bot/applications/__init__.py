"""Applications: rounds, the application form, screening and bulk import."""
