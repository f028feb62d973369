"""The number format local models compute in: bfloat16 where the hardware computes it natively
(CUDA; CPUs with AVX512-BF16 or AMX, ARM CPUs with BF16), float32 elsewhere, where bfloat16 is
emulated and slower than float32.

On the 2-core CPU of the embedded default (AVX512-BF16), bfloat16 weights prefilled ~1.5x as many
prompt tokens per second as float32 (keys, values and attention stay float32: ``slot_model``): the
main job's 80 held-out real calls took 2:23 against 3:20. A pretrained base trains under bfloat16
autocast (float32 master weights), which gained less: 411 s against 446 s for the same tokens.
``bench/simulator.py`` and ``bench/training.py`` print both precisions.
The setting ``cpu_precision`` (``GTM_CPU_PRECISION``: ``auto``, ``float32``, ``bfloat16``) overrides
the choice on CPUs.
"""

from __future__ import annotations

import functools
from pathlib import Path

CPU_PRECISIONS: tuple[str, ...] = ("auto", "float32", "bfloat16")
# /proc/cpuinfo flags of a CPU that multiplies bfloat16 natively (x86 "flags", aarch64 "Features")
NATIVE_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16", "bf16"})


@functools.cache
def cpu_has_native_bf16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """Whether this machine's CPU lists a native bfloat16 instruction set (False when unknown)."""
    try:
        text = Path(cpuinfo).read_text(errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in ("flags", "features") and NATIVE_BF16_FLAGS & set(value.split()):
            return True
    return False


def cpu_precision(setting: str | None = None) -> str:
    """``float32`` or ``bfloat16`` for models on the CPU: ``setting`` (default: the settings'
    ``cpu_precision``), where ``auto`` is bfloat16 exactly when the CPU computes it natively."""
    if setting is None:
        from gtm_core.settings import get_settings

        setting = get_settings().cpu_precision
    if setting not in CPU_PRECISIONS:
        raise ValueError(
            f"cpu_precision: must be one of {', '.join(CPU_PRECISIONS)} (got {setting!r})"
        )
    if setting == "auto":
        return "bfloat16" if cpu_has_native_bf16() else "float32"
    return setting


def model_dtype(device: str, setting: str | None = None) -> str:
    """The dtype name a model on ``device`` is loaded in for inference: bfloat16 on CUDA, the
    ``cpu_precision`` on a CPU."""
    return "bfloat16" if device.startswith("cuda") else cpu_precision(setting)
