"""Sales summary by region."""
