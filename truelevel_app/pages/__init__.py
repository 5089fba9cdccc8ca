"""One module per page or page group; each owns its state class."""
