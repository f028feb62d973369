"""Partitions shared by assets: one partition per taxonomy field (added
by the ``taxonomy`` asset)."""

from __future__ import annotations

import dagster as dg

fields_partitions = dg.DynamicPartitionsDefinition(name="fields")
