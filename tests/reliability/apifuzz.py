"""Schemathesis against the simulator's own OpenAPI document, on a real uvicorn server bound to
127.0.0.1: every operation gets generated requests (valid and invalid); no 5xx, every
status code, content type and body as documented. Shared by test_api_fuzz.py (CI
size) and bench/reliability.py."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx


@dataclass
class ApiFuzzStats:
    cases: int = 0
    http_5xx: int = 0
    failures: list[str] = field(default_factory=list)
    by_status: dict[int, int] = field(default_factory=dict)


def run_api_fuzz(url: str, token: str | None, max_examples: int) -> ApiFuzzStats:
    """Fuzz every operation of ``url``/openapi.json with ``max_examples`` generated cases each."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    stats = ApiFuzzStats()
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    with httpx.Client(timeout=30) as probe:
        for result in schema.get_all_operations():
            op = result.ok()

            @settings(
                max_examples=max_examples,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=op.as_strategy())
            def one(case):
                stats.cases += 1
                resp = case.call(base_url=url, headers=headers, timeout=30)
                stats.by_status[resp.status_code] = stats.by_status.get(resp.status_code, 0) + 1
                if resp.status_code >= 500:
                    stats.http_5xx += 1
                try:
                    case.validate_response(resp, checks=checks, headers=headers)
                except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001 - collected, reported by the caller
                    if len(stats.failures) < 20:
                        stats.failures.append(f"{case.method} {case.path}: {str(e)[:600]}")

            one()
        probe.close()
    return stats
