"""CARG (paper §4.2): context-aware generation of single-turn, multi-turn and error samples with
three-level validation, driven in resumable batches over a DuckDB ``Store``."""
