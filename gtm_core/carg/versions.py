"""What each CARG asset's ``code_version`` hashes: its modules and prompt templates. Editing a
prompt changes exactly the versions of the assets listed with it."""

from __future__ import annotations

from gtm_core.versioning import code_version

_COMMON = (
    "gtm_core.carg.records",
    "gtm_core.carg.generate",
    "gtm_core.carg.validate",
    "gtm_core.record_state",
    "gtm_core.llm.teacher_tasks.carg",
    "gtm_core.synth",
    "gtm_core.text_answer",
    "gtm_core.schema_refs",
)
_JUDGES = ("judge_contradiction", "judge_coherence")

SCENARIO_ASSETS = {
    "single": "single_turn_samples",
    "multi": "multi_turn_samples",
    "error": "error_samples",
}
CODE: dict[str, dict[str, tuple[str, ...]]] = {
    "single_turn_samples": {
        "modules": (*_COMMON, "gtm_core.carg.single"),
        "prompts": ("carg_single", "carg_refine", *_JUDGES),
    },
    "multi_turn_samples": {
        "modules": (*_COMMON, "gtm_core.carg.multi", "gtm_core.carg.embeddings"),
        "prompts": ("carg_multi", *_JUDGES),
    },
    "error_samples": {
        "modules": (*_COMMON, "gtm_core.carg.errors", "gtm_core.tool_errors"),
        "prompts": ("carg_error_message",),
    },
    "carg_dataset": {"modules": ("gtm_core.carg.records",), "prompts": ()},
    "dataset_splits": {"modules": ("gtm_core.splits", "gtm_core.carg.embeddings"), "prompts": ()},
    "sft_dataset": {
        "modules": (
            "gtm_core.carg.export",
            "gtm_core.text_answer",
            "gtm_core.chat_format",
            "gtm_core.evaluation.real_split",
            "gtm_core.gate",
            "gtm_core.schema_refs",
            "gtm_core.tool_errors",
        ),
        "prompts": ("simulator_system",),
    },
}


def code_versions() -> dict[str, str]:
    """Asset name -> code_version (hash of its modules and prompt templates)."""
    return {k: code_version(modules=v["modules"], prompts=v["prompts"]) for k, v in CODE.items()}
