"""The shipped quality model (installed as the package `nlp_assess.models`; see setup.cfg)."""
