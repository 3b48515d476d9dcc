"""The Typer CLI: the only layer that reads the clock and the environment and sets exit codes."""
