"""Speaker attribution on real recordings with reference speaker turns (see README.md here)."""
