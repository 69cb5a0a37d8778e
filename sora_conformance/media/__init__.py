"""Media that identifies its sender, and reading it back out of recorded archives."""
