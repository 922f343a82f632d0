"""CLI subcommands, each imported only when it runs (see nlp_assess.cli.COMMANDS)."""
