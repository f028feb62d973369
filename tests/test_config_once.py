"""Config is typed once: for each part (training, the domain fine-tune, CARG generation, serving)
the fields of the gtm_core model, of the asset's Dagster Config and of the typer command agree. A
field on one side and not the other fails, naming it; the only exceptions are the documented lists
below (a setting that truly cannot exist on the other side)."""

from __future__ import annotations

from unittest import mock

import pytest
import typer.main
from typer.testing import CliRunner

from gtm_assets.defs.carg import CargGenConfig
from gtm_assets.defs.domains import CudaModelConfig
from gtm_assets.defs.training import TrainingConfig
from gtm_core.carg.config import CargConfig, CargRun
from gtm_core.cli import app
from gtm_core.serve.config import ServeConfig, SimulatorSetup
from gtm_core.simulator.config import SimulatorConfig
from gtm_core.training.config_fields import leaf_fields
from gtm_core.training.presets import DOMAIN_OVERRIDES, DomainRun, TrainConfig, TrainRun

# options a command has and its asset's Dagster Config cannot: why, per name
CLI_ONLY = {
    "train": {
        "sft_dir": "the asset reads the sft_dataset asset's export under the data folder",
        "model_name": "the registered_model asset registers (its RegisterConfig.model_name)",
        "register": "registration is the registered_model asset, not gtm_model",
        "as_json": "output format of the command",
    },
    "domain cuda train": {"as_json": "output format of the command"},
    "carg generate": {
        "field": "the asset's partition key",
        "scenario": "one asset per scenario (single/multi/error_samples)",
        "as_json": "output format of the command",
    },
    # gtm serve is no asset (no Dagster Config): its options are exactly ServeConfig's fields
    "serve": {},
}


def _command(path: str):
    cmd = typer.main.get_command(app)
    for name in path.split():
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    return cmd


def _options(path: str) -> set[str]:
    return {p.name for p in _command(path).params if p.name}


def _same(sides: dict[str, set[str]]) -> None:
    """Every side holds the same names; the message names each missing one and where."""
    every = set().union(*sides.values())
    missing = {side: sorted(every - names) for side, names in sides.items() if every - names}
    assert not missing, f"fields missing on a side: {missing}"


def test_training_fields_agree():
    core = set(TrainConfig.model_fields) | set(TrainRun.model_fields)
    cli = _options("train") - set(CLI_ONLY["train"])
    dagster = set(TrainingConfig.model_fields)
    _same({"TrainConfig+TrainRun": core, "TrainingConfig (Dagster)": dagster, "gtm train": cli})


def test_domain_fields_agree():
    core = set(DOMAIN_OVERRIDES) | set(DomainRun.model_fields)
    assert set(DOMAIN_OVERRIDES) <= set(TrainConfig.model_fields)
    cli = _options("domain cuda train") - set(CLI_ONLY["domain cuda train"])
    dagster = set(CudaModelConfig.model_fields)
    _same(
        {
            "DOMAIN_OVERRIDES+DomainRun": core,
            "CudaModelConfig (Dagster)": dagster,
            "gtm domain cuda train": cli,
        }
    )


def test_carg_fields_agree():
    core = set(CargConfig.model_fields) | set(CargRun.model_fields)
    cli = _options("carg generate") - set(CLI_ONLY["carg generate"])
    dagster = set(CargGenConfig.model_fields)
    _same(
        {"CargConfig+CargRun": core, "CargGenConfig (Dagster)": dagster, "gtm carg generate": cli}
    )


def test_serve_fields_agree():
    leaves = leaf_fields(ServeConfig)
    assert set(SimulatorConfig.model_fields) <= set(leaves)  # the simulator's own model, whole
    _same({"ServeConfig": set(leaves), "gtm serve": _options("serve")})
    from gtm_core.cli.simulate import SIMULATE_FIELDS

    simulate = _options("simulate")
    assert set(SIMULATE_FIELDS) <= set(leaf_fields(SimulatorSetup)) & simulate
    assert simulate - set(SIMULATE_FIELDS) == {
        "tool_name",  # the TOOL argument (the setup's tool list)
        "args",  # the call's arguments
        "seed",  # the call's seed (SimulatorConfig.seed is the session-less default)
        "hint",
        "as_json",
    }


@pytest.mark.parametrize(
    "core, dagster, overrides",
    [
        (TrainConfig, TrainingConfig, True),
        (TrainRun, TrainingConfig, False),
        (DomainRun, CudaModelConfig, False),
        (CargConfig, CargGenConfig, False),
        (CargRun, CargGenConfig, False),
    ],
)
def test_dagster_fields_keep_description_and_default(core, dagster, overrides):
    """A derived Dagster field says what the core field says, with its default (None for a
    preset override: unset keeps the preset's value)."""
    for name, info in core.model_fields.items():
        if name not in dagster.model_fields:
            continue  # a subset (DOMAIN_OVERRIDES): checked above
        d = dagster.model_fields[name]
        assert d.description == info.description, name
        want = None if overrides else info.get_default(call_default_factory=True)
        got = d.get_default(call_default_factory=True)
        assert (list(got) if isinstance(got, tuple) else got) == (
            list(want) if isinstance(want, tuple | frozenset) else want
        ), name


def test_cli_defaults_are_the_models():
    """Options of a non-override command default to the model's value (or None: not given); the
    few the command spells its own way say so in ``opt``."""
    from gtm_core.cli.serve import SERVE_CLI

    leaves = leaf_fields(ServeConfig)
    for p in _command("serve").params:
        _, info = leaves[p.name]
        if p.name in SERVE_CLI and SERVE_CLI[p.name].to_field is not None:
            continue  # --session-ttl 0 = never (None)
        default = info.get_default(call_default_factory=True)
        assert p.default in (default, None), p.name
    for p in _command("carg generate").params:
        if p.name in CargConfig.model_fields:
            default = CargConfig.model_fields[p.name].get_default(call_default_factory=True)
            assert p.default in (default, None), p.name


def test_train_options_reach_the_config():
    """Given options override the preset (``--lr`` included), the others keep its values."""
    seen = {}

    def fake_run(cfg, settings, **kw):
        seen.update(cfg=cfg, **kw)
        return {}

    with mock.patch("gtm_core.training.run.run_training", fake_run):
        args = ["train", "--preset", "tiny-cpu", "--lr", "0.01", "--lora-alpha", "8"]
        r = CliRunner().invoke(app, [*args, "--torch-threads", "1", "--fresh", "--json"])
    assert r.exit_code == 0, r.output
    cfg = seen["cfg"]
    assert (cfg.preset, cfg.learning_rate, cfg.lora_alpha, cfg.torch_threads) == (
        "tiny-cpu",
        0.01,
        8,
        1,
    )
    assert cfg.epochs == TrainConfig().epochs and seen["fresh"] is True


def test_serve_builds_one_config():
    seen = {}
    with mock.patch("gtm_core.cli.serve._serve", lambda cfg: seen.update(cfg=cfg)):
        args = ["serve", "--port", "9", "--session-ttl", "0", "--strict-types", "--max-batch", "4"]
        r = CliRunner().invoke(app, [*args, "--without", "cache"])
        assert r.exit_code == 0, r.output
        bad = CliRunner().invoke(app, ["serve", "--without", "nope"])
    cfg = seen["cfg"]
    assert isinstance(cfg, ServeConfig) and cfg.port == 9 and cfg.engine.max_batch == 4
    sim = cfg.simulator
    assert sim.session_ttl_s is None and not sim.lenient_types and sim.without == {"cache"}
    assert bad.exit_code == 2 and "--without" in bad.output
