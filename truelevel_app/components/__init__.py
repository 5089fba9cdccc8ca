"""Presentational building blocks shared by the pages. No data access here."""
