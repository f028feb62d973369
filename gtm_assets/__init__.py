"""Dagster wiring of gtm_core: software-defined assets with lineage, checks, jobs and schedules."""
