"""The tool simulator engine: gate, sessions/cache/replay, faults, model backends."""

from gtm_core.gate import Gate, check_arguments, error_message, gate_for
from gtm_core.simulator.config import SimulatorConfig
from gtm_core.simulator.engine import (
    SimCall,
    SimOptions,
    SimResult,
    Simulator,
    UnknownTool,
    load_tools,
)
from gtm_core.simulator.faults import FaultConfig

__all__ = [
    "Simulator",
    "SimCall",
    "SimOptions",
    "SimResult",
    "UnknownTool",
    "load_tools",
    "FaultConfig",
    "SimulatorConfig",
    "Gate",
    "check_arguments",
    "error_message",
    "gate_for",
]
