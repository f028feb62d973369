"""Partitions shared by assets: one partition per taxonomy field (added by the ``taxonomy`` asset)."""

from __future__ import annotations

import re

import dagster as dg

fields_partitions = dg.DynamicPartitionsDefinition(name="fields")


def field_key(field: str) -> str:
    """A partition key for a field name (stable, URL-safe): 'Food and Dining' -> 'food_and_dining'."""
    return re.sub(r"[^a-z0-9]+", "_", field.lower()).strip("_")
