"""What each asset's ``code_version`` hashes, one table per stage: its modules, prompt templates and
data files. Editing a prompt or a module changes exactly the versions of the assets listed with it
(``gtm status`` / the UI then show them unsynced). CARG's table lives with CARG
(``gtm_core.carg.versions``: its generator records the version of each committed batch)."""

from __future__ import annotations

from gtm_core.carg.versions import CODE as CARG
from gtm_core.evaluation.metrics import JUDGE_PROMPTS
from gtm_core.seed_data.catalogue import SEED_TAXONOMY, SEED_TOOLS
from gtm_core.versioning import code_version

Entry = dict[str, tuple]

TOOL_REPOSITORY: dict[str, Entry] = {
    "seed_fields": {"modules": ("gtm_core.tools.taxonomy",), "files": (SEED_TAXONOMY,)},
    "taxonomy": {
        "modules": ("gtm_core.tools.taxonomy",),
        "prompts": ("expand_fields", "subfields"),
    },
    # offline, the teacher's generate_tools task draws from the seed catalogue
    "generated_tools": {
        "modules": (
            "gtm_core.tools.toolgen",
            "gtm_core.spec",
            "gtm_core.schema_refs",
            "gtm_core.llm.teacher_tasks.toolgen",
            "gtm_core.seed_data.catalogue",
        ),
        "prompts": ("generate_tools",),
        "files": (SEED_TOOLS,),
    },
    "imported_tools": {
        "modules": ("gtm_core.tools.importers", "gtm_core.spec", "gtm_core.schema_refs"),
        "prompts": ("complete_spec",),
    },
    "tool_repository": {
        "modules": ("gtm_core.tools.repository", "gtm_core.tools.dedup", "gtm_core.embed")
    },
}

_TRAINING = (
    "gtm_core.training.presets",
    "gtm_core.training.data",
    "gtm_core.training.train",
    "gtm_core.training.lora",
    "gtm_core.training.run",
    "gtm_assets.pipes_workers",
    "gtm_core.chat_format",
    "gtm_core.llm.precision",
)
TRAINING: dict[str, Entry] = {
    "gtm_model": {
        "modules": (*_TRAINING, "gtm_core.training.tokenizer", "gtm_core.llm.base_models"),
        "prompts": ("simulator_system",),
    },
    "registered_model": {"modules": ("gtm_core.model_registry",)},
}

_SIMULATION = (
    "gtm_core.chat_format",
    "gtm_core.simulator.engine",
    "gtm_core.simulator.call",
    "gtm_core.simulator.config",
    "gtm_core.simulator.rules",
    "gtm_core.simulator.request",
    "gtm_core.simulator.model_stage",
    "gtm_core.simulator.output_check",
    "gtm_core.simulator.session",
    "gtm_core.simulator.silence",
    "gtm_core.gate",
    "gtm_core.simulator.backends",
    "gtm_core.tool_errors",
    "gtm_core.schema_refs",
    "gtm_core.simulator.examples",
    "gtm_core.simulator.response_format",
    "gtm_core.simulator.models",
    "gtm_core.spec",
    "gtm_core.llm.precision",
    "gtm_core.llm.base",
    "gtm_core.llm.decode",
)
_EVALUATION = (
    "gtm_core.evaluation.checks",
    "gtm_core.evaluation.metrics",
    "gtm_core.evaluation.judge",
    "gtm_core.evaluation.tables",
    "gtm_core.evaluation.runner",
    "gtm_core.evaluation.fidelity",
    "gtm_core.evaluation.real_traces",
    "gtm_core.evaluation.real_split",
    "gtm_core.evaluation.baselines",
    "gtm_core.llm.teacher_tasks.simulate",
    "gtm_core.synth",
    "gtm_core.text_answer",
    *_SIMULATION,
)
EVALUATION: dict[str, Entry] = {
    "real_traces": {
        "modules": (
            "gtm_core.evaluation.real_split",
            "gtm_core.evaluation.real_traces",
            "gtm_core.chat_format",
            "gtm_core.carg.export",
            "gtm_core.gate",
            "gtm_core.tool_errors",
            "gtm_core.schema_refs",
            "gtm_core.simulator.examples",
            "gtm_core.spec",
        ),
        "prompts": ("simulator_system",),
    },
    "eval_table": {"modules": _EVALUATION, "prompts": (*JUDGE_PROMPTS, "simulator_system")},
    "champion": {"modules": ("gtm_core.model_registry",)},
    "sim_to_real_report": {"modules": _EVALUATION, "prompts": ("simulator_system",)},
}

MAPS: dict[str, Entry] = {
    "mcp_map": {
        "modules": (
            "gtm_core.mcp_map",
            "gtm_core.tools.tool_lists",
            "gtm_core.plots",
            "gtm_core.embed",
            "gtm_assets.defs.maps",
        )
    }
}

DOMAINS: dict[str, Entry] = {
    "cuda_validator_dataset": {
        "modules": ("gtm_core.domains.cuda", "gtm_core.chat_format", "gtm_assets.defs.domains"),
        "prompts": ("simulator_system",),
    },
    "cuda_validator_model": {
        "modules": ("gtm_core.domains.cuda", "gtm_core.domains.cuda_model", *_TRAINING),
        "prompts": ("simulator_system",),
    },
    "cuda_validator_eval": {
        "modules": (
            "gtm_core.domains.cuda",
            "gtm_core.domains.cuda_model",
            *_SIMULATION,
        ),
        "prompts": ("simulator_system",),
    },
}

TABLES = {
    "tool_repository": TOOL_REPOSITORY,
    "carg": CARG,
    "training": TRAINING,
    "evaluation": EVALUATION,
    "maps": MAPS,
    "domains": DOMAINS,
}


def _version(e: Entry) -> str:
    return code_version(
        modules=tuple(e.get("modules", ())),
        prompts=tuple(e.get("prompts", ())),
        files=tuple(e.get("files", ())),
    )


VERSIONS: dict[str, str] = {
    name: _version(e) for table in TABLES.values() for name, e in table.items()
}
