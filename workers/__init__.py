"""Background workers: everything that needs time, a model or a GPU runs here, never in the web
process."""
