"""gtm core library: tool repository, CARG data, training, evaluation and simulation.

A plain library (no Dagster import) usable from notebooks, RL trainers and the CLI.
"""

__version__ = "0.1.0"
